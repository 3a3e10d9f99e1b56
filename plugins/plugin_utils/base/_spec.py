"""The one definition of the session-state options: names, values, runtime rules, argument spec.

Private to the iis.aspnet collection: not a public API.

Every rule here mirrors what the ASP.NET runtime does with the attribute (docs/aspnet-facts.md, 1 and 2), so a
value is refused here exactly when ASP.NET would refuse it, or would misread it, at run time.
User values become canonical XML text (``to_xml``); values read from files are compared the way
the runtime parses them (``same_value``), so ``20`` and ``" 020"`` are the same timeout.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError

FRAMEWORKS = {"v4.0": "v4.0.30319", "v2.0": "v2.0.50727"}
BITNESS_DIRS = {64: "Framework64", 32: "Framework"}
COMMITS = ("MACHINE", "WEBROOT", "APPHOST", "SITE", "APP")
# The ASP.NET State Service as the state_service option drives it (host/_service acts on these).
SERVICE_STATES = ("started", "stopped", "present", "ignore")
SERVICE_START_MODES = ("auto", "delayed", "manual", "disabled")
# STIG profiles (audit/_stig maps each to its benchmarks) and the kinds of a declared exception:
# a maintenance-only server or site is Not Applicable to every rule of its scope; a web farm may
# keep state out of process where the rule allows it.
STIG_IIS10, STIG_IIS85 = "stig_iis10", "stig_iis85"
STIG_PROFILES = (STIG_IIS10, STIG_IIS85)
KIND_NOT_APPLICABLE, KIND_WEB_FARM = "not_applicable", "web_farm"
EXCEPTION_KINDS = (KIND_NOT_APPLICABLE, KIND_WEB_FARM)

INFINITE = "Infinite"  # exact case: TimeSpan*OrInfiniteConverter compares with ==
ONE_YEAR_MINUTES = 525600  # SessionStateModule.MAX_CACHE_BASED_TIMEOUT_MINUTES
ONE_YEAR_MESSAGE = "For InProc and StateServer modes, the session timeout value cannot be larger than one year"
CACHE_BASED_MODES = ("InProc", "StateServer")
CONNECTION_STRINGS = ("stateConnectionString", "sqlConnectionString")


@dataclass(frozen=True)
class Attribute:
    """One managed XML attribute and the Ansible option that sets it."""

    option: str
    element: str
    xml: str
    kind: str  # "enum" | "bool" | "minutes" | "seconds" | "int" | "str"
    default: str
    choices: tuple[str, ...] = ()
    net4_only: bool = False
    secret: bool = False
    description: str = ""


def _a(option, xml, kind, default, description, **extra) -> Attribute:
    return Attribute(option, extra.pop("element", "sessionState"), xml, kind, default, description=description, **extra)


_COOKIELESS = ("UseUri", "UseCookies", "AutoDetect", "UseDeviceProfile", "true", "false")
_SAME_SITE = ("None", "Lax", "Strict")
_SQL_DEFAULT = "data source=localhost;Integrated Security=SSPI"

ATTRIBUTES: tuple[Attribute, ...] = (
    _a("mode", "mode", "enum", "InProc", choices=("Off", "InProc", "StateServer", "SQLServer", "Custom"), description=(
        "Where session data lives (C(sessionState/@mode)): V(Off) disables session state, V(InProc) keeps it in the "
        "worker process (lost when the pool recycles, not shared by a web garden or farm), V(StateServer) in the "
        "ASP.NET State Service (C(aspnet_state)), V(SQLServer) in a SQL Server database, V(Custom) in the store of "
        "the provider named by O(custom_provider). Exact case. Quote V('Off') in YAML: unquoted it reads as a "
        "boolean. The role defaults it to V(InProc); the schema default is V(InProc).")),
    _a("timeout", "timeout", "minutes", "20", description=(
        "Minutes a session may stay idle before it is abandoned (C(timeout)): an integer of at least 1, or "
        "V(Infinite) (exact case). With O(mode=InProc) or O(mode=StateServer) the runtime accepts at most 525600 "
        "(one year) and refuses V(Infinite); larger values and V(Infinite) are allowed only with V(SQLServer) or "
        "V(Custom). V(20) and V('20') are the same value. Schema default: 20.")),
    _a("cookieless", "cookieless", "enum", "UseCookies", choices=_COOKIELESS, description=(
        "How the session ID travels (C(cookieless)): V(UseCookies), V(UseUri), V(AutoDetect), V(UseDeviceProfile), "
        "or the older V(true) (same as V(UseUri)) and V(false) (same as V(UseCookies)). Exact case: the runtime "
        "matches only lowercase V(true) and V(false), so V('True') is refused; YAML booleans are written as "
        "lowercase V(true)/V(false). Values the runtime reads alike (V(false) and V(UseCookies)) count as equal. "
        "The DISA IIS STIGs ask for V(UseCookies). Schema default: V(UseCookies).")),
    _a("cookie_name", "cookieName", "str", "ASP.NET_SessionId", description=(
        "Name of the cookie that carries the session ID (C(cookieName)). Schema default: V(ASP.NET_SessionId).")),
    _a("cookie_same_site", "cookieSameSite", "enum", "None", choices=_SAME_SITE, net4_only=True, description=(
        "SameSite attribute of the session cookie (C(cookieSameSite)): V(None), V(Lax) or V(Strict). .NET "
        "Framework 4 only, refused with O(framework_version=v2.0). No IIS schema file declares it, so IIS Manager "
        "and appcmd may report it as unknown; the module warns. Default: V(None) in the .NET reference source; "
        "Microsoft documents V(Lax) for applications that target .NET Framework 4.7.2 or later.")),
    _a("regenerate_expired_session_id", "regenerateExpiredSessionId", "bool", "true", description=(
        "Whether ASP.NET issues a new session ID when a client presents an expired one "
        "(C(regenerateExpiredSessionId)). Schema default: V(true) (the IIS WMI documentation's V(false) is wrong).")),
    _a("state_connection_string", "stateConnectionString", "str", "tcpip=loopback:42424", description=(
        "Address of the ASP.NET State Service for O(mode=StateServer) (C(stateConnectionString)): "
        "V(tcpip=<host>:<port>) or V(tcpip=[<IPv6 address>]:<port>), with the case-sensitive prefix V(tcpip=) and a "
        "port from 1 to 65535. It may instead name a C(<connectionStrings>) entry in effect at the target, as the "
        "runtime first looks the value up by name: the entry's connection string must then have that form (it is "
        "never printed); a value without V(=) that names no entry is refused. A V(registry:) reference is accepted "
        "without a check, with a warning. Ignored by the runtime when O(partition_resolver_type) is set. Schema "
        "default: V(tcpip=loopback:42424).")),
    _a("state_network_timeout", "stateNetworkTimeout", "seconds", "10", description=(
        "Seconds a network operation with the State Service may take (C(stateNetworkTimeout)): a positive integer "
        "or V(Infinite). Schema default: 10.")),
    _a("sql_connection_string", "sqlConnectionString", "str", _SQL_DEFAULT, secret=True, description=(
        "SqlClient connection string for O(mode=SQLServer) (C(sqlConnectionString)), or the name of a "
        "C(<connectionStrings>) entry in effect at the target (whose connection string is then checked the same "
        "way), or a V(registry:) reference (accepted without checks, with a warning). Unless "
        "O(allow_custom_sql_database) is true it must not name a database (C(Database), "
        "C(Initial Catalog), C(AttachDbFileName)): the runtime adds C(Initial Catalog=ASPState) itself and refuses "
        "the string otherwise. Never logged; passwords are masked in changes, diffs and appcmd lines. Schema "
        "default: V(data source=localhost;Integrated Security=SSPI).")),
    _a("sql_command_timeout", "sqlCommandTimeout", "seconds", "30", description=(
        "Seconds a SQL command of the SQL Server store may run (C(sqlCommandTimeout)): a non-negative integer or "
        "V(Infinite). Schema default: 30.")),
    _a("sql_connection_retry_interval", "sqlConnectionRetryInterval", "seconds", "0", net4_only=True, description=(
        "Seconds during which the SQL Server store retries opening a connection or running a command after a "
        "fatal error (C(sqlConnectionRetryInterval)): a non-negative integer or V(Infinite). .NET Framework 4 "
        "only, refused with O(framework_version=v2.0). Schema default: 0.")),
    _a("allow_custom_sql_database", "allowCustomSqlDatabase", "bool", "false", description=(
        "Whether O(sql_connection_string) may name its own database instead of C(ASPState) "
        "(C(allowCustomSqlDatabase)). Schema default: V(false).")),
    _a("custom_provider", "customProvider", "str", "", description=(
        "Name of the C(<providers>) entry whose store O(mode=Custom) uses (C(customProvider)). The provider "
        "entry itself is not managed by this module. Schema default: empty.")),
    _a("use_hosting_identity", "useHostingIdentity", "bool", "true", description=(
        "Whether the session store (SQL Server or a custom store) is accessed with the identity of the hosting "
        "process rather than an impersonated one (C(useHostingIdentity)). Schema default: V(true).")),
    _a("compression_enabled", "compressionEnabled", "bool", "false", net4_only=True, description=(
        "Whether session data is compressed before it is stored out of process, by the State Service or SQL "
        "Server (C(compressionEnabled)). .NET Framework 4 only, refused with O(framework_version=v2.0). Schema "
        "default: V(false).")),
    _a("partition_resolver_type", "partitionResolverType", "str", "", description=(
        "Type name of an C(IPartitionResolver) that chooses the State Service or SQL Server connection per "
        "session (C(partitionResolverType)); when it is set, the runtime ignores O(state_connection_string) and "
        "O(sql_connection_string). Schema default: empty.")),
    _a("session_id_manager_type", "sessionIDManagerType", "str", "", description=(
        "Type name of a custom C(ISessionIDManager) (C(sessionIDManagerType)). Schema default: empty, the "
        "built-in C(SessionIDManager).")),
    _a("page_state_history_size", "historySize", "int", "9", element="sessionPageState", description=(
        "How many page states C(SessionPageStatePersister) keeps in session state "
        "(C(<sessionPageState historySize>)): an integer of at least 1. Not to be confused with "
        "C(<pages sessionStateHistorySize>). Schema default: 9.")),
)

_BY_OPTION = {attr.option: attr for attr in ATTRIBUTES}
# Lowest values: the runtime's validators (timeout >= 1 minute, PositiveTimeSpanValidator,
# NonZeroPositiveIntegerValidator); a negative SQL timeout or retry interval makes no sense (0 for the rest).
_MINIMUM = {"timeout": 1, "stateNetworkTimeout": 1, "historySize": 1}
# Above these the runtime's conversion overflows: TimeSpan.MaxValue in whole minutes and seconds,
# Int32.MaxValue for historySize.
_MAXIMUM = {"minutes": 15_372_286_728, "seconds": 922_337_203_685, "int": 2_147_483_647}
# .NET long.Parse / Int32.Parse (NumberStyles.Integer): surrounding white space, one sign, ASCII digits.
_NET_INTEGER = re.compile(r"[\t\n\v\f\r ]*([+-]?[0-9]+)[\t\n\v\f\r ]*")
_NET_SPACE = "\t\n\v\f\r \x00"  # what Boolean.Parse trims
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Database keywords of SqlClient that make the runtime refuse the string (with their synonyms).
_SQL_DATABASE_KEYS = ("database", "initial catalog", "attachdbfilename", "extended properties", "initial file name")


def attribute(option_or_xml: str, element: str | None = None) -> Attribute:
    """The attribute with this option name or XML name (optionally only within ``element``)."""
    for attr in ATTRIBUTES:
        if option_or_xml in (attr.option, attr.xml) and element in (None, attr.element):
            return attr
    raise KeyError(f"no session-state attribute {option_or_xml!r}" + (f" in <{element}>" if element else ""))


# ---------------------------------------------------------------------------------------------
# Values: user value -> canonical XML text


def to_xml(attr: Attribute, value) -> str:
    """Canonical XML text for a user value; raises OptionError naming the option and the reason."""
    convert = {"enum": _enum_xml, "bool": _bool_xml, "minutes": _span_xml, "seconds": _span_xml,
               "int": _int_xml, "str": _str_xml}[attr.kind]
    return convert(attr, value)


def _enum_xml(attr: Attribute, value) -> str:
    if isinstance(value, bool) and "true" in attr.choices:
        return "true" if value else "false"  # YAML read true/false/yes/no: write what the runtime matches
    if isinstance(value, bool):
        hint = " (YAML reads an unquoted Off as the boolean false: quote it, 'Off')" if "Off" in attr.choices and not value else ""
        raise OptionError(attr.option, f"got the boolean {value}{hint}; choices, exact case: {_choices(attr)}")
    if isinstance(value, str) and value in attr.choices:
        return value
    raise OptionError(attr.option, _enum_reason(attr, value))


def _enum_reason(attr: Attribute, value) -> str:
    text = str(value)
    near = [choice for choice in attr.choices if choice.lower() == text.strip().lower()]
    if near and attr.option == "cookieless" and near[0] in ("true", "false"):
        return (f"{text!r} is refused: the runtime matches only lowercase 'true'/'false' "
                f"(choices, exact case: {_choices(attr)})")
    if near:
        return f"{text!r} has the wrong case or spacing, write {near[0]!r} (choices, exact case: {_choices(attr)})"
    return f"{text!r} is not one of {_choices(attr)} (exact case)"


def _choices(attr: Attribute) -> str:
    return ", ".join(attr.choices)


def _bool_xml(attr: Attribute, value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    parsed = _net_bool(value) if isinstance(value, str) else None
    if parsed is None:
        raise OptionError(attr.option, f"{value!r} is not a boolean (true or false)")
    return "true" if parsed else "false"


def _span_xml(attr: Attribute, value) -> str:
    if value == INFINITE and isinstance(value, str):
        return INFINITE
    number = _user_integer(value)
    unit = "minutes" if attr.kind == "minutes" else "seconds"
    if number is None:
        raise OptionError(attr.option, f"{value!r} is not a whole number of {unit} or 'Infinite' (exact case)")
    _check_range(attr, number, unit)
    return str(number)


def _int_xml(attr: Attribute, value) -> str:
    number = _user_integer(value)
    if number is None:
        raise OptionError(attr.option, f"{value!r} is not a whole number")
    _check_range(attr, number, "")
    return str(number)


def _user_integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    return _net_int(value) if isinstance(value, str) else None


def _check_range(attr: Attribute, number: int, unit: str) -> None:
    low, high = _MINIMUM.get(attr.xml, 0), _MAXIMUM[attr.kind]
    if not low <= number <= high:
        unit = f" {unit}" if unit else ""
        raise OptionError(attr.option, f"{number}{unit} is out of range: {low} to {high}")


def _str_xml(attr: Attribute, value) -> str:
    if not isinstance(value, str):
        raise OptionError(attr.option, f"must be a string, got {type(value).__name__}")
    if _XML_ILLEGAL.search(value) or any(ch in value for ch in "\t\r\n"):
        # XML forbids the first set; attribute-value normalisation would turn the others into spaces.
        raise OptionError(attr.option, "contains a control character that an XML attribute cannot keep")
    problem = _string_problem(attr, value)
    if problem:
        raise OptionError(attr.option, problem)
    return value


def _string_problem(attr: Attribute, value: str) -> str | None:
    """A connection string that cannot be a literal may still name a <connectionStrings> entry: the
    writer judges those once the entries in effect at the target are known (``_plan``)."""
    if attr.xml in CONNECTION_STRINGS and not is_registry(value) and not may_be_name(value):
        return literal_problem(attr.xml, value)
    return None


# ---------------------------------------------------------------------------------------------
# Values as the runtime parses them


def _net_int(text: str) -> int | None:
    match = _NET_INTEGER.fullmatch(text)
    return int(match.group(1)) if match else None


def _net_bool(text: str) -> bool | None:
    """Boolean.Parse: 'true'/'false' in any case, surrounding white space and NULs ignored."""
    word = text.strip(_NET_SPACE).lower()
    return {"true": True, "false": False}.get(word)


def _net_span(text: str) -> int | str | None:
    return INFINITE if text == INFINITE else _net_int(text)


_COOKIE_MODES = {"true": "UseUri", "false": "UseCookies"}  # ConvertToCookieMode


def _runtime_value(attr: Attribute, text: str):
    """What the runtime makes of an XML value; None when it would refuse it."""
    if attr.kind in ("minutes", "seconds"):
        return _net_span(text)
    if attr.kind == "int":
        return _net_int(text)
    if attr.kind == "bool":
        return _net_bool(text)
    if attr.xml == "cookieless":
        return _COOKIE_MODES.get(text, text)
    return text


def same_value(attr: Attribute, current: str | None, desired: str) -> bool:
    """Whether the runtime reads ``current`` (XML text, None = absent) as ``desired``."""
    if current is None:
        return False  # absent means inherited: writing makes the setting explicit and owned
    if current == desired:
        return True
    ours = _runtime_value(attr, current)
    return ours is not None and ours == _runtime_value(attr, desired)


# ---------------------------------------------------------------------------------------------
# Connection strings


def is_registry(value: str) -> bool:
    """A ``registry:`` reference (aspnet_setreg): only the host can read it (ConfigsHelper)."""
    return value[:9].lower() == "registry:"


def may_be_name(value: str) -> bool:
    """Could be the name of a <connectionStrings> entry: a literal always holds ``=``."""
    return bool(value.strip()) and "=" not in value


def literal_problem(xml: str, value: str, allow_custom_database: bool | None = None) -> str | None:
    """Why the runtime refuses ``value`` as a literal stateConnectionString or sqlConnectionString."""
    if xml == "stateConnectionString":
        return state_connection_problem(value)
    return sql_connection_problem(value, allow_custom_database)


def state_connection_problem(value: str) -> str | None:
    """Why ParseStateConnectionString would refuse ``value``, or None."""
    if not value.startswith("tcpip="):
        return "must start with 'tcpip=' (exact, lowercase), as in tcpip=<host>:<port>"
    rest = value[len("tcpip="):]
    if rest.startswith("["):
        host, sep, port = rest[1:].partition("]:")
        if not sep or not _is_ipv6(host):
            return "an IPv6 server must be written in brackets, as in tcpip=[::1]:42424"
    else:
        host, sep, port = rest.partition(":")
        if not sep or ":" in port or not host:
            return "must have the form tcpip=<host>:<port> (IPv6 addresses in brackets)"
        if not host.isascii() or any(ch.isspace() for ch in host):
            return "the server name must be ASCII, without spaces"
    if not (port.isdigit() and port.isascii() and 1 <= int(port) <= 65535):
        return f"the port {port!r} must be a number from 1 to 65535"
    return None


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def sql_connection_problem(value: str, allow_custom_database: bool | None = None) -> str | None:
    """Why SqlClient or the session module would refuse ``value``, or None.

    The database rule applies only when ``allow_custom_database`` is False (None = not known yet).
    The value is a secret: no reason repeats any part of it.
    """
    if not value.strip():
        return "is empty: give at least a data source"
    pairs = connection_pairs(value)
    if pairs is None:
        return "is not a valid connection string (keyword=value pairs separated by ';'; check quotes)"
    named = [key for key in _SQL_DATABASE_KEYS if pairs.get(key)]
    if named and allow_custom_database is False:
        return (f"names a database ({named[0]}) but allow_custom_sql_database is false: the runtime refuses that "
                "(No_database_allowed_in_sqlConnectionString); drop the database keyword to use ASPState, or set "
                "allow_custom_sql_database: true")
    return None


def connection_pairs(text: str) -> dict[str, str] | None:
    """keyword -> value of a DbConnectionString (keywords trimmed and lowercased, last one wins).

    Returns None when the string does not parse (a keyword without '=', an unterminated quote).
    """
    pairs: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        if text[pos] in "; \t\r\n":
            pos += 1
            continue
        parsed = _connection_pair(text, pos)
        if parsed is None:
            return None
        key, value, pos = parsed
        pairs[key] = value
    return pairs


def _connection_pair(text: str, pos: int) -> tuple[str, str, int] | None:
    key_end = _key_end(text, pos)
    if key_end is None:
        return None
    key = text[pos:key_end].replace("==", "=").strip().lower()
    pos = key_end + 1
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos < len(text) and text[pos] in "'\"":
        return _quoted_pair(key, text, pos)
    end = text.find(";", pos)
    end = len(text) if end < 0 else end
    return key, text[pos:end].strip(), end


def _key_end(text: str, pos: int) -> int | None:
    """Index of the '=' ending the keyword at ``pos`` ('==' is an escaped '=' inside a keyword)."""
    while True:
        eq = text.find("=", pos)
        if eq < 0 or ";" in text[pos:eq]:
            return None
        if text.startswith("==", eq):
            pos = eq + 2
            continue
        return eq


def _quoted_pair(key: str, text: str, pos: int) -> tuple[str, str, int] | None:
    quote, chunks, pos = text[pos], [], pos + 1
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return None
        chunks.append(text[pos:end])
        if text.startswith(quote * 2, end):
            chunks.append(quote)
            pos = end + 2
            continue
        tail = end + 1
        while tail < len(text) and text[tail] in " \t":
            tail += 1
        if tail < len(text) and text[tail] != ";":
            return None
        return key, "".join(chunks), tail


# ---------------------------------------------------------------------------------------------
# Options -> settings, and the cross-field rules


def desired_settings(options: dict, framework_version: str) -> tuple[dict[tuple[str, str], str], list[str]]:
    """Settings {(element, xml): text} and warnings for the attribute options given (None = unmanaged).

    Other module options in ``options`` are ignored. Every problem is reported in one OptionError.
    """
    _check_framework(framework_version)
    problems: list[tuple[str, str]] = []
    settings: dict[tuple[str, str], str] = {}
    for attr in ATTRIBUTES:
        value = options.get(attr.option)
        if value is None:
            continue
        try:
            settings[(attr.element, attr.xml)] = to_xml(attr, value)
        except OptionError as exc:
            problems.append((attr.option, exc.reason))
            continue
        if attr.net4_only and framework_version == "v2.0":
            problems.append((attr.option, f"{attr.xml} exists only in .NET Framework 4; .NET 2.0 refuses it "
                                          "as an unrecognized attribute (framework_version: v2.0)"))
    if not settings and not problems and not options.get("revert"):
        names = ", ".join(attr.option for attr in ATTRIBUTES)
        problems.append(("options", f"nothing to manage: give at least one session-state setting ({names}) or revert"))
    problems += _given_rules({xml: text for (element, xml), text in settings.items() if element == "sessionState"})
    if problems:
        raise _combined(problems)
    return settings, _warnings(settings)


def reverted(options: dict) -> list[tuple[str, str]]:
    """(element, xml) of the attributes ``revert`` names, in the spec's order; refuses one also set."""
    names = list(options.get("revert") or [])
    unknown = [name for name in names if name not in _BY_OPTION]
    if unknown:
        raise OptionError("revert", f"{', '.join(map(repr, unknown))}: not a session-state option (choices: "
                                    f"{', '.join(attr.option for attr in ATTRIBUTES)})")
    both = [name for name in names if options.get(name) is not None]
    if both:
        raise OptionError("revert", f"{', '.join(both)} cannot be both set and reverted in one call")
    return [(attr.element, attr.xml) for attr in ATTRIBUTES if attr.option in names]


def _check_framework(framework_version: str) -> None:
    if framework_version not in FRAMEWORKS:
        raise OptionError("framework_version", f"{framework_version!r} is not one of {', '.join(FRAMEWORKS)}")


def _given_rules(given: dict[str, str]) -> list[tuple[str, str]]:
    """Cross-field rules decidable from the options alone (both sides given)."""
    problems = []
    if "mode" in given and "timeout" in given:
        problems += _timeout_rule(given["mode"], given["timeout"])
    sql = given.get("sqlConnectionString")
    if sql is not None and "allowCustomSqlDatabase" in given and not is_registry(sql) and not may_be_name(sql):
        problem = sql_connection_problem(sql, given["allowCustomSqlDatabase"] == "true")
        if problem:
            problems.append(("sql_connection_string", problem))
    return problems


def _timeout_rule(mode: str, timeout: str) -> list[tuple[str, str]]:
    minutes = _net_span(timeout)
    too_long = minutes == INFINITE or (isinstance(minutes, int) and minutes > ONE_YEAR_MINUTES)
    if mode in CACHE_BASED_MODES and too_long:
        return [("timeout", f"{ONE_YEAR_MESSAGE} (mode {mode}, timeout {timeout}; at most {ONE_YEAR_MINUTES} "
                            "minutes; longer or Infinite only with SQLServer or Custom)")]
    return []


def _warnings(settings: dict[tuple[str, str], str]) -> list[str]:
    warnings = []
    if ("sessionState", "cookieSameSite") in settings:
        warnings.append("cookie_same_site: no IIS schema declares cookieSameSite, so IIS Manager and appcmd may "
                        "report it as an unknown attribute; ASP.NET on .NET Framework 4 reads it")
    for xml in CONNECTION_STRINGS:
        value = settings.get(("sessionState", xml))
        if value is not None and is_registry(value):
            warnings.append(f"{attribute(xml).option}: a registry: reference, which only the host can read; format "
                            "not checked")
    return warnings


def _combined(problems: list[tuple[str, str]]) -> OptionError:
    (option, reason), rest = problems[0], problems[1:]
    return OptionError(option, "; ".join([reason] + [f"{name}: {why}" for name, why in rest]))


def check_effective(effective: dict[str, str], framework_version: str, *, labels: Mapping[str, str] | None = None,
                    unchecked: Collection[str] = ()) -> list[str]:
    """Errors the runtime would raise for these sessionState values (absent -> schema default).

    Connection strings are checked only when the mode in effect uses them and no partition
    resolver replaces them, as the runtime does. The caller passes them as the runtime reads them
    (an entry's value when they name a <connectionStrings> entry), with ``labels`` saying where
    each came from; those in ``unchecked`` (and registry: references) are not judged.
    """
    _check_framework(framework_version)
    values = {attr.xml: attr.default for attr in ATTRIBUTES if attr.element == "sessionState"}
    values.update(effective)
    problems = _timeout_rule(values["mode"], values["timeout"])
    if not values["partitionResolverType"]:
        problems += _store_rules(values, labels or {}, unchecked)
    return [f"{option}: {reason}" for option, reason in problems]


def _store_rules(values: dict[str, str], labels: Mapping[str, str], unchecked: Collection[str]) -> list[tuple[str, str]]:
    xml = {"StateServer": "stateConnectionString", "SQLServer": "sqlConnectionString"}.get(values["mode"])
    if xml is None or xml in unchecked or is_registry(values[xml]):
        return []
    problem = literal_problem(xml, values[xml], _net_bool(values["allowCustomSqlDatabase"]) is True)
    return [(attribute(xml).option, labels.get(xml, "") + problem)] if problem else []


# ---------------------------------------------------------------------------------------------
# The Ansible argument spec


def _argspec_of(attr: Attribute) -> dict:
    if attr.kind in ("minutes", "seconds") or (attr.kind == "enum" and "true" in attr.choices):
        spec = {"type": "raw"}  # YAML ints and booleans must reach to_xml untouched
    elif attr.kind == "enum" and "Off" in attr.choices:
        # An unquoted Off is the YAML boolean false: Ansible's choices would refuse it as "got: False",
        # so to_xml checks the choices and tells the user to quote 'Off'.
        spec = {"type": "raw"}
    elif attr.kind == "enum":
        spec = {"type": "str", "choices": list(attr.choices)}
    else:
        spec = {"type": {"bool": "bool", "int": "int", "str": "str"}[attr.kind]}
    if attr.secret:
        spec["no_log"] = True
    return spec


_SERVICE_SUBOPTIONS = {
    "state": {"type": "str", "choices": list(SERVICE_STATES), "description": (
        "V(started) or V(stopped) ensure the service exists and is in that state; V(present) only ensures it "
        "exists; V(ignore) leaves the service alone. A missing service is created from C(aspnet_state.exe) of "
        "the chosen framework (the Framework64 copy when 64 is in O(bitness)).")},
    "start_mode": {"type": "str", "choices": list(SERVICE_START_MODES), "description": (
        "Start type of the service. Windows installs it as V(manual), and ASP.NET updates reset it to "
        "V(manual).")},
    "port": {"type": "int", "description": (
        "TCP port the service listens on, 1 to 65535 (registry C(Parameters\\Port), 42424 when absent). Read "
        "by the service only when it starts.")},
    "allow_remote_connection": {"type": "bool", "description": (
        "Whether other hosts may connect (registry C(Parameters\\AllowRemoteConnection)); when off, connection "
        "strings must use C(localhost) or C(127.0.0.1). The service has no authentication: keep it behind a "
        "firewall. Read by the service only when it starts.")},
    "restart": {"type": "bool", "default": True, "description": (
        "Restart a running service when O(state_service.port) or O(state_service.allow_remote_connection) "
        "changes, since the service reads them only at start; that drops StateServer sessions (a warning says "
        "so). V(false) defers the restart, with a warning.")},
}


# Options several modules share: each defined once; what a module adds to a description is its own.
def _framework_option(description: str, **extra) -> dict:
    return {"type": "str", "choices": list(FRAMEWORKS), **extra, "description": description}


def _bitness_option(description: str, **extra) -> dict:
    return {"type": "list", "elements": "int", **extra, "description": description}


def _image_options(root_extra: str = "") -> dict:
    return {
        "image_root": {"type": "path", "description": (
            "On a POSIX host: a directory holding a Windows file system (an image, a golden tree, a test fixture), "
            "one folder per drive letter (C(<image_root>/C/Windows/...)). Windows paths are matched into it "
            "case-insensitively." + root_extra)},
        "image_environment": {"type": "dict", "description": (
            "With O(image_root): the Windows environment variables of the imaged server, which the controller "
            "expands where the server would (physical paths in applicationHost.config, the Windows folder): "
            "V(SystemDrive) (default V(C:)), V(windir) (default the V(Windows) folder of V(SystemDrive)) and any other "
            "variable those paths use; C(ProgramFiles) and the like follow from V(SystemDrive) unless given. On a "
            "Windows host leave it out: the host expands variables itself.")},
        "image_shares": {"type": "dict", "description": (
            "With O(image_root): where UNC shares the server reads are in the image, as a mapping from a share "
            "(V(\\\\\\\\fs01\\\\iisconfig)) to a Windows path of the image (V(Z:\\\\)): shared configuration "
            "(C(redirection.config)) and content on shares are read there. Without a mapping, a share the server uses "
            "is refused by name, never replaced by a local copy.")},
    }


_ATTRIBUTE_OPTIONS = {attr.option: {**_argspec_of(attr), "description": attr.description} for attr in ATTRIBUTES}

_TARGET_OPTIONS = {
    "commit": {"type": "str", "choices": list(COMMITS), "description": (
        "Which configuration file receives the settings, as appcmd's C(/commit): V(MACHINE) (machine.config), "
        "V(WEBROOT) (the root web.config), V(SITE) (the web.config at the site's root) or V(APP) (the "
        "application's web.config). V(SITE) and V(APP) need O(site). V(APPHOST) is refused for settings: ASP.NET never "
        "reads C(system.web) from applicationHost.config; it is accepted with O(revert) only, to remove such settings. "
        "Default: V(WEBROOT) without O(site), V(APP) with it.")},
    "site": {"type": "str", "description": (
        "IIS configuration path below APPHOST, such as V(Default Web Site) or V(Default Web Site/shop). "
        "The C(config_path) that M(iis.aspnet.session_state_info) returns (V(MACHINE/WEBROOT/APPHOST/Default Web "
        "Site/shop)) is accepted too. Without it the settings apply at server level. With O(commit=MACHINE) or O(commit=WEBROOT) they are "
        "written inside a C(<location path>) of that file. It must name a site or an application: ASP.NET allows "
        "session state only down to application level.")},
    "framework_version": _framework_option(default="v4.0", description=(
        "Which .NET Framework configuration tree O(commit=MACHINE) and O(commit=WEBROOT) edit: V(v4.0) "
        "(C(v4.0.30319), .NET 4.x) or V(v2.0) (C(v2.0.50727), .NET 2.0 to 3.5). For V(SITE) and V(APP) the "
        "files above the target follow the application pool's runtime version.")),
    # No Ansible choices: ansible-core 2.16 crashes joining a refused int into its message ("expected str
    # instance, int found"); the engine refuses any other value, naming it (_levels).
    "bitness": _bitness_option(default=list(BITNESS_DIRS), description=(
        "Which Framework trees O(commit=MACHINE) and O(commit=WEBROOT) edit, one or both of V(64) "
        "(C(Framework64)) and V(32) (C(Framework)); 32-bit application pools read the 32-bit tree. A tree that is "
        "absent is skipped with a warning when this option is left at its default, and is an error when it is given.")),
}

_OTHER_OPTIONS = {
    "revert": {"type": "list", "elements": "str", "choices": [attr.option for attr in ATTRIBUTES], "description": (
        "Settings to remove at the target level, so that the value in effect comes from the level above, as IIS "
        "Manager's Revert To Parent does: option names such as V(timeout) or V(cookieless). An option cannot be both "
        "set and reverted in one call. The attribute goes with the white space before it; an element left without "
        "attributes and children goes too, and so does a C(<system.web>) or C(<location>) left empty; nothing else "
        "moves. With O(commit=APPHOST), which accepts only this, it removes what applicationHost.config holds, which "
        "ASP.NET never reads. Reverting may name a path below an application (a C(<location>) for a folder). The "
        "result RV(iis.aspnet.session_state#module:reverted) says which value is in effect afterwards and where it comes from.")},
    "state_service": {"type": "dict", "options": _SERVICE_SUBOPTIONS, "description": (
        "The ASP.NET State Service (C(aspnet_state)); only O(mode=StateServer) uses it, but it is ensured "
        "whatever the mode (a warning says so for other modes). Default: V({state: started, start_mode: auto}) "
        "on Windows hosts and V({state: ignore}) with O(image_root), where there is no service manager.")},
    **_image_options(root_extra=" O(state_service.state) must then be V(ignore)."),
    "backup": {"type": "bool", "default": False, "description": (
        "Keep a timestamped copy of each file changed. The role turns it on for Windows hosts, where the write "
        "is not atomic.")},
}

_INFO_OPTIONS = {
    "site": {"type": "raw", "description": (
        "One IIS configuration path below APPHOST, such as V(Default Web Site) or V(Default Web Site/shop), or a list of "
        "them. Each must name a site or an application - ASP.NET allows session state only down to application level.",
        "When omitted, every site and application found in applicationHost.config is reported, and the server level "
        "too. When given, only the named levels are reported (not the server level, and not the applications below a "
        "named site).")},
    "framework_version": _framework_option(description=(
        "Which .NET Framework configuration tree the server level is reported for, V(v4.0) (C(v4.0.30319)) or V(v2.0) "
        "(C(v2.0.50727)). When omitted, both, skipping a tree that is absent. Sites and applications always follow "
        "their application pool.")),
    "bitness": _bitness_option(description=(
        "Which Framework trees the server level is reported for, V(64) (C(Framework64)) and V(32) (C(Framework)). "
        "When omitted, both, skipping a tree that is absent; a tree asked for by name (or with O(framework_version)) "
        "that is absent is an error.")),
    **_image_options(),
    "include_service": {"type": "bool", "default": True, "description": (
        "Query the ASP.NET State Service (C(aspnet_state)) and its C(Parameters) registry values on Windows hosts, "
        "and check StateServer levels against them. On image hosts the service is reported as not applicable.")},
}

_STIG_OPTIONS = {
    "profile": {"type": "str", "default": STIG_IIS10, "choices": list(STIG_PROFILES), "description": (
        "Which STIGs to judge - V(stig_iis10) (IIS 10.0 Server V3R7 and Site V2R15) or V(stig_iis85) (IIS 8.5 Server "
        "V2R7 and Site V2R9).",
        "IIS 10.0 V-218805 asks for a session timeout of at most 15 minutes, IIS 8.5 V-214420 of at most 20.")},
    "exceptions": {"type": "list", "elements": "dict", "default": [], "options": {
        "site": {"type": "str", "description": "The IIS site. Omit it for the server."},
        "kind": {"type": "str", "required": True, "choices": list(EXCEPTION_KINDS),
                 "description": "The kind of exception."},
        "justification": {"type": "str", "required": True,
                          "description": "Why the rules do not apply. Required and not empty."},
        "rules": {"type": "list", "elements": "str",
                  "description": "The Vuln IDs the exception covers (default - every rule the kind fits)."},
    }, "description": (
        "Declared exceptions, each with a justification that the report and the checklist carry for the auditor.",
        "V(not_applicable) - a server or site used only for system-to-system maintenance, with no user access and "
        "restricted IPs; its rules that the STIG allows it for (the cookie rules) become V(Not_Applicable).",
        "V(web_farm) - a site of a web farm that keeps session state in SQL Server or a state server; the rules that "
        "say so (V-218751, V-214444, V-214462) are V(NotAFinding) when its mode is out of process, and the remediation "
        "leaves its mode alone.")},
    "server": {"type": "dict", "default": {}, "description": (
        "The settings the same run writes at server level (C(mode), C(cookieless), C(timeout), C(commit), "
        "C(framework_version), C(bitness), as given to M(iis.aspnet.session_state)). With C(commit=MACHINE) only values "
        "that come from machine.config (or the schema default) count as fixed by it, since a root web.config overrides "
        "it.",
        "Values a site inherits from there are judged fixed by that write, so RV(remediation) does not repeat them in "
        "every site.",
        "A value that contradicts the profile (C(cookieless) other than V(UseCookies) or V(false), a timeout above the "
        "limit) is refused, before any file is read.")},
    "declared": {"type": "list", "elements": "dict", "default": [], "description": (
        "The site entries the same run writes (as given to M(iis.aspnet.session_state)). An entry that contradicts the "
        "profile without an exception for its site is refused, and RV(remediation) leaves the settings they own to "
        "them.",)},
    **_image_options(root_extra=" Required on a POSIX host; refused on Windows hosts."),
}

# Each module's options, in the order its documentation lists them.
_MODULE_OPTIONS = {
    "session_state": (_TARGET_OPTIONS, _ATTRIBUTE_OPTIONS, _OTHER_OPTIONS),
    "session_state_info": (_INFO_OPTIONS,),
    "session_state_stig": (_STIG_OPTIONS,),
}
MODULES = tuple(_MODULE_OPTIONS)


def module_spec(module: str, *, docs: bool = False) -> dict:
    """The Ansible argument_spec of ``module`` (one of MODULES), a fresh copy; with ``docs`` each entry also
    carries its description (a string, or a tuple of paragraphs)."""
    if module not in _MODULE_OPTIONS:
        raise KeyError(f"no module {module!r}: one of {', '.join(MODULES)}")
    spec = {}
    for part in _MODULE_OPTIONS[module]:
        spec.update(copy.deepcopy(part))
    return spec if docs else _strip_descriptions(spec)


def _strip_descriptions(spec: dict) -> dict:
    clean = {}
    for name, entry in spec.items():
        entry = {key: value for key, value in entry.items() if key != "description"}
        if "options" in entry:
            entry["options"] = _strip_descriptions(entry["options"])
        clean[name] = entry
    return clean


__all__ = [
    "FRAMEWORKS", "BITNESS_DIRS", "COMMITS", "INFINITE", "ONE_YEAR_MINUTES", "ONE_YEAR_MESSAGE", "Attribute",
    "ATTRIBUTES", "CONNECTION_STRINGS", "SERVICE_STATES", "SERVICE_START_MODES", "STIG_IIS10", "STIG_IIS85",
    "STIG_PROFILES", "KIND_NOT_APPLICABLE", "KIND_WEB_FARM", "EXCEPTION_KINDS", "MODULES", "attribute", "reverted",
    "to_xml", "same_value", "is_registry", "may_be_name", "literal_problem", "state_connection_problem",
    "sql_connection_problem", "connection_pairs", "desired_settings", "check_effective", "module_spec",
]
