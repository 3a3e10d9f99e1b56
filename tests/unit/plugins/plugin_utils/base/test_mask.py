"""Unit tests for _mask: no shape of password may survive, and the rest of the text stays readable."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import MASK, mask, mask_value, secret_spans, secret_values

M = MASK

SHAPES = [
    # plain connection strings
    ("Data Source=db;User ID=sa;Password=s3cret;Pooling=true", f"Data Source=db;User ID=sa;Password={M};Pooling=true"),
    ("pwd=s3cret", f"pwd={M}"),
    ("PWD = s3cret ;x=1", f"PWD = {M};x=1"),
    ("PassWord=a b c;x=1", f"PassWord={M};x=1"),
    ("password='a;b''c';x=1", f"password={M};x=1"),
    ('password="a;b""c";x=1', f"password={M};x=1"),
    ("password = 'a;b' ;x=1", f"password = {M};x=1"),
    ("PWD={a;b}}c};x=1", f"PWD={M};x=1"),  # ODBC braces, '}}' is a literal brace
    ("pwd={a}b;x=1", f"pwd={M};x=1"),  # text glued to the brace belongs to the value
    ("password='a'b;x=1", f"password={M};x=1"),
    ("password='unterminated;x=1", f"password={M}"),
    ("password={unterminated;x=1", f"password={M}"),
    ("password=;x=1", "password=;x=1"),  # nothing to hide
    ("pwd=a;Password=b;PWD='c'", f"pwd={M};Password={M};PWD={M}"),
    ("Provider=Microsoft.Jet.OLEDB.4.0;Jet OLEDB:Database Password=x;Mode=1",
     f"Provider=Microsoft.Jet.OLEDB.4.0;Jet OLEDB:Database Password={M};Mode=1"),
    ("password=a&amp;b;c=1", f"password={M};c=1"),  # an entity's ';' does not end the value
    ("password=a&#59;b;c=1", f"password={M};c=1"),
    # text that only looks similar
    ("passwordFormat=Clear", "passwordFormat=Clear"),
    ("The password is wrong", "The password is wrong"),
    ("pwdx=1", "pwdx=1"),
    # messages
    ("cannot open Server=db;Pwd=abc (login failed)", f"cannot open Server=db;Pwd={M}"),
    ("a\npassword=x;\nb", f"a\npassword={M};\nb"),
    # XML attributes holding connection strings
    ('<sessionState sqlConnectionString="server=x;password=abc" timeout="20" />',
     f'<sessionState sqlConnectionString="server=x;password={M}" timeout="20" />'),
    ('<sessionState sqlConnectionString="password=abc"/>', f'<sessionState sqlConnectionString="password={M}"/>'),
    ('<s c="server=x;password=&quot;a;b&quot;&quot;c&quot;;x=1" t="1"/>', f'<s c="server=x;password={M};x=1" t="1"/>'),
    ('<s c="password=&#34;a;b&#x22; " t="1"/>', f'<s c="password={M}" t="1"/>'),
    ("<s c='server=x;password=\"a;b\"' t='1'/>", f"<s c='server=x;password={M}' t='1'/>"),
    ("<s c='password=&apos;a;b&apos;' t='1'/>", f"<s c='password={M}' t='1'/>"),
    ("<s c='password=&apos;a&apos;&apos;b&apos;'/>", f"<s c='password={M}'/>"),
    ('<s c="password=&quot;unterminated" t="1"/>', f'<s c="password={M}" t="1"/>'),
    ('<s c="x=1;password={" t="1"/>', f'<s c="x=1;password={M}" t="1"/>'),  # an unterminated brace ends with the attribute
    ('<s c="password={a;b" t="1"/>', f'<s c="password={M}" t="1"/>'),
    ('<s c="password=a&quot;b c" t="1"/>', f'<s c="password={M}" t="1"/>'),
    ('<s c="password=" t="1"/>', '<s c="password=" t="1"/>'),
    ('<s c = "x=1;pwd=2" t="1">', f'<s c = "x=1;pwd={M}" t="1">'),
    # attributes named like a password: the XML quotes stay
    ('<add name="a" password="secret" />', f'<add name="a" password="{M}" />'),
    ("<user name='a' userPwd='x y'/>", f"<user name='a' userPwd='{M}'/>"),
    ('<credentials passwordFormat="SHA1"><user name="a" password="x"/>',
     f'<credentials passwordFormat="SHA1"><user name="a" password="{M}"/>'),
    # attributes over several lines keep their lines
    ('<sessionState\r\n  sqlConnectionString="a=b;\r\n  password=x"\r\n  timeout="3"/>',
     f'<sessionState\r\n  sqlConnectionString="a=b;\r\n  password={M}"\r\n  timeout="3"/>'),
    ("password='ab\r\ncd';x=1", f"password={M}\r\n{M};x=1"),
    # a lone diff line: no tag in sight, so the mask runs on to the end (too much, never too little)
    ('+  sqlConnectionString="server=x;password=abc" timeout="2"', f'+  sqlConnectionString="server=x;password={M}'),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_mask_shapes(text, expected):
    assert mask(text) == expected


def test_masked_text_keeps_its_lines():
    text = "<a\n b='password=\"x\ny\nz\"'\n/>"
    assert mask(text).count("\n") == text.count("\n")
    assert "y" not in mask(text)


def test_a_huge_start_tag_is_masked_as_plain_text():
    text = "<a " + 'b="1" ' * 20000 + 'c="password=x" d="1"/>'
    assert mask(text) == text[: text.index("password=") + len("password=")] + MASK


def test_secret_spans_point_at_the_values():
    text = "server=x;password=abc;pwd='d'"
    assert [text[start:end] for start, end in secret_spans(text)] == ["abc", "'d'"]


VALUES = [
    ("sqlConnectionString", "server=x;password=abc", f"server=x;password={M}"),
    ("sqlConnectionString", 'server=x;pwd="a;b";x=1', f"server=x;pwd={M};x=1"),
    ("connectionString", "pwd=&quot;x;y", f"pwd={M};x;y"),  # a decoded value: &quot is plain text
    ("sqlConnectionString", None, None),
    ("password", "abc", M),
    ("userPwd", "abc", M),
    ("Password", "", ""),
    ("passwordFormat", "Clear", "Clear"),
    ("cookieName", "password=x", f"password={M}"),
    ("timeout", "20", "20"),
]


@pytest.mark.parametrize(("attr", "value", "expected"), VALUES)
def test_mask_value(attr, value, expected):
    assert mask_value(attr, value) == expected


# ---------------------------------------------------------------------------------------------
# Property: a random secret, written as SqlClient would accept it, never survives

SECRETS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


def sqlclient_value(secret: str, quote: str) -> str:
    """The secret as a connection-string value: bare when SqlClient allows it, else quoted."""
    bare = (";" not in secret and secret == secret.strip() and secret[0] not in "'\"{"
            and secret[-1] not in "'\"")
    if bare and quote == "":
        return secret
    quote = quote or "'"
    return quote + secret.replace(quote, quote * 2) + quote


def xml_escape(text: str, delimiter: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace(delimiter, "&quot;" if delimiter == '"' else "&apos;")


PREFIXES = st.sampled_from(["", "Data Source=db;User ID=sa;", "server=tcp:db,1433; Application Name='a;b';"])
SUFFIXES = st.sampled_from(["", ";Pooling=true", "; Connect Timeout=5;"])
KEYWORDS = st.sampled_from(["Password=", "pwd=", "PWD = ", "password ="])


@given(SECRETS, st.sampled_from(["", "'", '"']), PREFIXES, KEYWORDS, SUFFIXES)
@example("a'b", "", "", "pwd=", "")
@example('x" y', "", "", "pwd=", "")
@example("&quot;", "", "", "pwd=", "")
@example("&A", "", "", "pwd=", ";Pooling=true")
def test_plain_connection_string_secret_never_survives(secret, quote, prefix, keyword, suffix):
    text = prefix + keyword + sqlclient_value(secret, quote) + suffix
    # A decoded value has no XML entities: the mask ends exactly where SqlClient ends the value.
    assert mask_value("sqlConnectionString", text) == prefix + keyword + MASK + suffix
    # Text that may be XML reads '&A;' as an entity and may hide more, never less.
    masked = mask(text)
    assert masked.startswith(prefix + keyword + MASK)
    assert suffix.endswith(masked[len(prefix + keyword + MASK):])


@given(SECRETS, st.sampled_from(["", "'", '"']), st.sampled_from(['"', "'"]), PREFIXES, KEYWORDS, SUFFIXES,
       st.sampled_from([" ", "\r\n    "]))
@example("p&q;r", "", '"', "", "pwd=", "", " ")
@example('a" b', "", "'", "", "pwd=", "", " ")
def test_xml_attribute_secret_never_survives(secret, quote, delimiter, prefix, keyword, suffix, gap):
    value = prefix + keyword + sqlclient_value(secret, quote) + suffix
    start = f"<sessionState mode={delimiter}SQLServer{delimiter}{gap}sqlConnectionString={delimiter}"
    end = f"{delimiter}{gap}timeout={delimiter}20{delimiter} />"
    text = start + xml_escape(value, delimiter) + end
    expected = start + xml_escape(prefix + keyword, delimiter) + MASK + xml_escape(suffix, delimiter) + end
    assert mask(text) == expected


@given(SECRETS, st.sampled_from(['"', "'"]))
def test_password_attribute_never_survives(secret, delimiter):
    text = f"<add name={delimiter}a{delimiter} password={delimiter}{xml_escape(secret, delimiter)}{delimiter} />"
    assert mask(text) == f"<add name={delimiter}a{delimiter} password={delimiter}{MASK}{delimiter} />"


# ---------------------------------------------------------------------------------------------
# Keywords written with character references: the XML parser decodes them before ASP.NET reads
# the connection string, so pass&#119;ord= is password= to the runtime.

REFERENCED = [
    ('<s c="x=1;pass&#119;ord=abc;y=2" t="1"/>', f'<s c="x=1;pass&#119;ord={M};y=2" t="1"/>'),
    ('<s c="&#112;wd=abc" t="1"/>', f'<s c="&#112;wd={M}" t="1"/>'),
    ('<s c="password&#x20;=abc;x=1"/>', f'<s c="password&#x20;={M};x=1"/>'),
    ('<s c="PASSWORD&#9;=&#9;abc;x=1"/>', f'<s c="PASSWORD&#9;=&#9;{M};x=1"/>'),
    ('<s c="&#x50;&#X57;&#x0044;=abc"/>', f'<s c="&#x50;&#X57;&#x0044;={M}"/>'),  # any case of x, leading zeros
    ('<s c="p&#0000119;d=abc"/>', f'<s c="p&#0000119;d={M}"/>'),
    ('<s c="password&#61;abc;x=1"/>', f'<s c="password&#61;{M};x=1"/>'),  # '=' itself as a reference
    ('<s c="pwd&#10;=abc;x=1"/>', f'<s c="pwd&#10;={M};x=1"/>'),  # a line feed is white space to SqlClient
    ("pass&#119;ord=abc;x=1", f"pass&#119;ord={M};x=1"),  # a diff line or a message, no tag in sight
    ('<s c="pwd=&#97;bc;x=1"/>', f'<s c="pwd={M};x=1"/>'),  # references in the value are part of it
    ('<s c="pwd=&#34;a;b&#34;;x=1"/>', f'<s c="pwd={M};x=1"/>'),  # a quote stays a quote form
    ('<s c="pwd=a&#59;b;x=1"/>', f'<s c="pwd={M};x=1"/>'),  # an encoded ';' does not end the value early
    # not keywords once decoded
    ('<s c="pass&amp;#119;ord=abc"/>', '<s c="pass&amp;#119;ord=abc"/>'),  # the runtime reads "pass&#119;ord"
    ('<s c="pass&#120;ord=abc"/>', '<s c="pass&#120;ord=abc"/>'),  # passxord
    ('<s c="&#1114112;wd=abc"/>', '<s c="&#1114112;wd=abc"/>'),  # beyond Unicode: no character at all
]


@pytest.mark.parametrize(("text", "expected"), REFERENCED)
def test_keywords_written_with_character_references(text, expected):
    assert mask(text) == expected


def reference(char: str, form: int) -> str:
    """``char`` as written in XML: itself, decimal (with leading zeros) or hexadecimal (either case)."""
    return [char, f"&#{ord(char)};", f"&#00{ord(char)};", f"&#x{ord(char):x};", f"&#X{ord(char):04X};"][form]


@given(st.sampled_from(["password", "pwd"]), st.lists(st.integers(0, 4), min_size=10, max_size=10),
       st.lists(st.booleans(), min_size=10, max_size=10), st.sampled_from(["", " ", "\t", "&#9;", "&#x20;", "&#10;"]),
       # Quotes and a leading { open a quoted or braced value (their rules are tested above).
       SECRETS.filter(lambda s: not set(s) & set("&<>\"';") and s == s.strip() and not s.startswith("{")))
def test_a_keyword_in_any_mix_of_references_and_case_never_lets_its_secret_through(keyword, forms, upper, space, secret):
    written = "".join(reference(char.upper() if up else char, form) for char, form, up in zip(keyword, forms, upper))
    text = f'<sessionState sqlConnectionString="server=x;{written}{space}={space}{secret};x=1" timeout="2" />'
    assert mask(text) == f'<sessionState sqlConnectionString="server=x;{written}{space}={space}{MASK};x=1" timeout="2" />'


SECRET_VALUES = [
    ("server=x;password=abc", {"abc"}),
    ("server=x;pwd='a''b';x=1", {"'a''b'", "a'b", "&apos;a&apos;&apos;b&apos;", "a&apos;b", "&#39;a&#39;&#39;b&#39;", "a&#39;b"}),
    ("pwd={a}}<b}", {"{a}}<b}", "a}<b", "{a}}&lt;b}", "a}&lt;b"}),
    ('password="x&y"', {'"x&y"', "x&y", "&quot;x&amp;y&quot;", '"x&amp;y"', "x&amp;y", "&#34;x&amp;y&#34;"}),
    ("server=x;integrated security=true", set()),
    ("MyConnectionStringName", set()),
]


@pytest.mark.parametrize(("connection", "expected"), SECRET_VALUES)
def test_secret_values_are_the_password_as_written_unquoted_and_escaped(connection, expected):
    assert secret_values(connection) == expected
