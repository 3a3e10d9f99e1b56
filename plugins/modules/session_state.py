# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Documentation only: the work is done on the controller by plugins/action/session_state.py.
# The options block is generated from plugins/plugin_utils/base/_spec.py by tools/gen_docs.py:
# edit the spec, then run tools/gen_docs.py --write; never edit between the markers by hand.

from __future__ import annotations

DOCUMENTATION = r"""
module: session_state
short_description: Manage ASP.NET session state on IIS servers
version_added: 0.1.0
description:
  - Puts C(<system.web><sessionState>) (and C(<sessionPageState historySize>)) into the declared state at one
    configuration level, the way C(appcmd set config /commit:...) names them - machine.config, the root web.config, or the
    web.config of a site or application - and ensures the ASP.NET State Service (C(aspnet_state)).
  - This module is implemented as an action plugin. All the work (option checks, level resolution, parsing, planning,
    rendering, masking) runs on the controller in Python; the managed host only has files read and written and the
    service queried, through other modules called directly.
  - On a Windows host it reads each file with M(ansible.builtin.slurp) (which ansible-core serves there with
    C(ansible.windows.slurp)), checks and writes changed files with
    M(ansible.windows.win_stat) and M(ansible.windows.win_copy), and manages the service with
    M(ansible.windows.win_service), M(ansible.windows.win_reg_stat) and M(ansible.windows.win_regedit).
  - On a POSIX host that holds a Windows file tree (an offline image, a golden tree, a test fixture), set O(image_root); the
    same flow then reads, lists and writes through the collection's own M(iis.aspnet.image_file), one call per file read and
    one call for all the writes of a task. Every path is resolved on the host and must stay inside its drive folder
    (C(<image_root>/C)...); a symbolic link below it that leads outside, a link loop, and a file that is not a regular
    file (a named pipe, a device, a socket) are refused, naming the path, before anything is read or written.
  - An attribute option that is not given is not touched, so settings owned by someone else are left alone; a task must
    manage at least one setting.
  - An edit is a splice of the file's original bytes. Everything outside the changed start tag (or the inserted element) is
    kept byte for byte, including comments, byte order mark, encoding, line ends, indentation, quoting and attribute order.
    The result is parsed again and compared with the plan before anything is written.
  - A file is refused, naming the file and the reason, and nothing is written, when it is not well-formed XML, has a DTD
    or entities, keeps the section encrypted (C(configProtectionProvider)) or in another file (C(configSource)), when a
    broader level locks the section (C(allowOverride), C(overrideMode), C(lockAttributes), C(lockItem)), or when the
    result would hold a value the ASP.NET runtime rejects.
  - A file is written only if it still has the checksum it had when it was read (compare and swap). On image hosts the
    compare and the atomic rename happen in one call on the host, and no file of the task is written unless all still hold
    what was read. On Windows hosts the compare (M(ansible.windows.win_stat)) and the write (M(ansible.windows.win_copy))
    are two calls, so another writer may still slip in between them (see the Windows guide).
author:
  - iis.aspnet maintainers (@iis-aspnet)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - iis.aspnet.action_group
  - iis.aspnet.image
attributes:
  action:
    support: full
  async:
    support: none
    details:
      - The work runs on the controller and calls several modules in sequence.
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Check mode reads the files and queries the service exactly as a real run does, and reports the changes a real run
        would make. It writes nothing and sends no changing call to the service.
  diff_mode:
    support: full
    details:
      - One unified diff per file that changes, computed from the real bytes before and after; secrets are masked in it.
  platform:
    support: full
    platforms:
      - windows
      - posix
    details:
      - On POSIX hosts only with O(image_root), to edit a Windows file tree; there is no service manager there.
# BEGIN GENERATED OPTIONS
options:
  commit:
    description:
      - 'Which configuration file receives the settings, as appcmd''s C(/commit): V(MACHINE) (machine.config),
        V(WEBROOT) (the root web.config), V(SITE) (the web.config at the site''s root) or V(APP) (the
        application''s web.config). V(SITE) and V(APP) need O(site). V(APPHOST) is refused for settings:
        ASP.NET never reads C(system.web) from applicationHost.config; it is accepted with O(revert) only,
        to remove such settings. Default: V(WEBROOT) without O(site), V(APP) with it.'
    type: str
    choices:
      - MACHINE
      - WEBROOT
      - APPHOST
      - SITE
      - APP
  site:
    description:
      - 'IIS configuration path below APPHOST, such as V(Default Web Site) or V(Default Web Site/shop).
        The C(config_path) that M(iis.aspnet.session_state_info) returns (V(MACHINE/WEBROOT/APPHOST/Default
        Web Site/shop)) is accepted too. Without it the settings apply at server level. With O(commit=MACHINE)
        or O(commit=WEBROOT) they are written inside a C(<location path>) of that file. It must name a
        site or an application: ASP.NET allows session state only down to application level.'
    type: str
  framework_version:
    description:
      - 'Which .NET Framework configuration tree O(commit=MACHINE) and O(commit=WEBROOT) edit: V(v4.0)
        (C(v4.0.30319), .NET 4.x) or V(v2.0) (C(v2.0.50727), .NET 2.0 to 3.5). For V(SITE) and V(APP)
        the files above the target follow the application pool''s runtime version.'
    type: str
    choices:
      - v4.0
      - v2.0
    default: v4.0
  bitness:
    description:
      - Which Framework trees O(commit=MACHINE) and O(commit=WEBROOT) edit, one or both of V(64) (C(Framework64))
        and V(32) (C(Framework)); 32-bit application pools read the 32-bit tree. A tree that is absent
        is skipped with a warning when this option is left at its default, and is an error when it is
        given.
    type: list
    elements: int
    default:
      - 64
      - 32
  mode:
    description:
      - 'Where session data lives (C(sessionState/@mode)): V(Off) disables session state, V(InProc) keeps
        it in the worker process (lost when the pool recycles, not shared by a web garden or farm), V(StateServer)
        in the ASP.NET State Service (C(aspnet_state)), V(SQLServer) in a SQL Server database, V(Custom)
        in the store of the provider named by O(custom_provider). Exact case. Quote V(''Off'') in YAML:
        unquoted it reads as a boolean. The role defaults it to V(InProc); the schema default is V(InProc).'
    type: raw
  timeout:
    description:
      - 'Minutes a session may stay idle before it is abandoned (C(timeout)): an integer of at least 1,
        or V(Infinite) (exact case). With O(mode=InProc) or O(mode=StateServer) the runtime accepts at
        most 525600 (one year) and refuses V(Infinite); larger values and V(Infinite) are allowed only
        with V(SQLServer) or V(Custom). V(20) and V(''20'') are the same value. Schema default: 20.'
    type: raw
  cookieless:
    description:
      - 'How the session ID travels (C(cookieless)): V(UseCookies), V(UseUri), V(AutoDetect), V(UseDeviceProfile),
        or the older V(true) (same as V(UseUri)) and V(false) (same as V(UseCookies)). Exact case: the
        runtime matches only lowercase V(true) and V(false), so V(''True'') is refused; YAML booleans
        are written as lowercase V(true)/V(false). Values the runtime reads alike (V(false) and V(UseCookies))
        count as equal. The DISA IIS STIGs ask for V(UseCookies). Schema default: V(UseCookies).'
    type: raw
  cookie_name:
    description:
      - 'Name of the cookie that carries the session ID (C(cookieName)). Schema default: V(ASP.NET_SessionId).'
    type: str
  cookie_same_site:
    description:
      - 'SameSite attribute of the session cookie (C(cookieSameSite)): V(None), V(Lax) or V(Strict). .NET
        Framework 4 only, refused with O(framework_version=v2.0). No IIS schema file declares it, so IIS
        Manager and appcmd may report it as unknown; the module warns. Default: V(None) in the .NET reference
        source; Microsoft documents V(Lax) for applications that target .NET Framework 4.7.2 or later.'
    type: str
    choices:
      - None
      - Lax
      - Strict
  regenerate_expired_session_id:
    description:
      - 'Whether ASP.NET issues a new session ID when a client presents an expired one (C(regenerateExpiredSessionId)).
        Schema default: V(true) (the IIS WMI documentation''s V(false) is wrong).'
    type: bool
  state_connection_string:
    description:
      - 'Address of the ASP.NET State Service for O(mode=StateServer) (C(stateConnectionString)): V(tcpip=<host>:<port>)
        or V(tcpip=[<IPv6 address>]:<port>), with the case-sensitive prefix V(tcpip=) and a port from
        1 to 65535. It may instead name a C(<connectionStrings>) entry in effect at the target, as the
        runtime first looks the value up by name: the entry''s connection string must then have that form
        (it is never printed); a value without V(=) that names no entry is refused. A V(registry:) reference
        is accepted without a check, with a warning. Ignored by the runtime when O(partition_resolver_type)
        is set. Schema default: V(tcpip=loopback:42424).'
    type: str
  state_network_timeout:
    description:
      - 'Seconds a network operation with the State Service may take (C(stateNetworkTimeout)): a positive
        integer or V(Infinite). Schema default: 10.'
    type: raw
  sql_connection_string:
    description:
      - 'SqlClient connection string for O(mode=SQLServer) (C(sqlConnectionString)), or the name of a
        C(<connectionStrings>) entry in effect at the target (whose connection string is then checked
        the same way), or a V(registry:) reference (accepted without checks, with a warning). Unless O(allow_custom_sql_database)
        is true it must not name a database (C(Database), C(Initial Catalog), C(AttachDbFileName)): the
        runtime adds C(Initial Catalog=ASPState) itself and refuses the string otherwise. Never logged;
        passwords are masked in changes, diffs and appcmd lines. Schema default: V(data source=localhost;Integrated
        Security=SSPI).'
    type: str
  sql_command_timeout:
    description:
      - 'Seconds a SQL command of the SQL Server store may run (C(sqlCommandTimeout)): a non-negative
        integer or V(Infinite). Schema default: 30.'
    type: raw
  sql_connection_retry_interval:
    description:
      - 'Seconds during which the SQL Server store retries opening a connection or running a command after
        a fatal error (C(sqlConnectionRetryInterval)): a non-negative integer or V(Infinite). .NET Framework
        4 only, refused with O(framework_version=v2.0). Schema default: 0.'
    type: raw
  allow_custom_sql_database:
    description:
      - 'Whether O(sql_connection_string) may name its own database instead of C(ASPState) (C(allowCustomSqlDatabase)).
        Schema default: V(false).'
    type: bool
  custom_provider:
    description:
      - 'Name of the C(<providers>) entry whose store O(mode=Custom) uses (C(customProvider)). The provider
        entry itself is not managed by this module. Schema default: empty.'
    type: str
  use_hosting_identity:
    description:
      - 'Whether the session store (SQL Server or a custom store) is accessed with the identity of the
        hosting process rather than an impersonated one (C(useHostingIdentity)). Schema default: V(true).'
    type: bool
  compression_enabled:
    description:
      - 'Whether session data is compressed before it is stored out of process, by the State Service or
        SQL Server (C(compressionEnabled)). .NET Framework 4 only, refused with O(framework_version=v2.0).
        Schema default: V(false).'
    type: bool
  partition_resolver_type:
    description:
      - 'Type name of an C(IPartitionResolver) that chooses the State Service or SQL Server connection
        per session (C(partitionResolverType)); when it is set, the runtime ignores O(state_connection_string)
        and O(sql_connection_string). Schema default: empty.'
    type: str
  session_id_manager_type:
    description:
      - 'Type name of a custom C(ISessionIDManager) (C(sessionIDManagerType)). Schema default: empty,
        the built-in C(SessionIDManager).'
    type: str
  page_state_history_size:
    description:
      - 'How many page states C(SessionPageStatePersister) keeps in session state (C(<sessionPageState
        historySize>)): an integer of at least 1. Not to be confused with C(<pages sessionStateHistorySize>).
        Schema default: 9.'
    type: int
  revert:
    description:
      - 'Settings to remove at the target level, so that the value in effect comes from the level above,
        as IIS Manager''s Revert To Parent does: option names such as V(timeout) or V(cookieless). An
        option cannot be both set and reverted in one call. The attribute goes with the white space before
        it; an element left without attributes and children goes too, and so does a C(<system.web>) or
        C(<location>) left empty; nothing else moves. With O(commit=APPHOST), which accepts only this,
        it removes what applicationHost.config holds, which ASP.NET never reads. Reverting may name a
        path below an application (a C(<location>) for a folder). The result RV(iis.aspnet.session_state#module:reverted)
        says which value is in effect afterwards and where it comes from.'
    type: list
    elements: str
    choices:
      - mode
      - timeout
      - cookieless
      - cookie_name
      - cookie_same_site
      - regenerate_expired_session_id
      - state_connection_string
      - state_network_timeout
      - sql_connection_string
      - sql_command_timeout
      - sql_connection_retry_interval
      - allow_custom_sql_database
      - custom_provider
      - use_hosting_identity
      - compression_enabled
      - partition_resolver_type
      - session_id_manager_type
      - page_state_history_size
  state_service:
    description:
      - 'The ASP.NET State Service (C(aspnet_state)); only O(mode=StateServer) uses it, but it is ensured
        whatever the mode (a warning says so for other modes). Default: V({state: started, start_mode:
        auto}) on Windows hosts and V({state: ignore}) with O(image_root), where there is no service manager.'
    type: dict
    suboptions:
      state:
        description:
          - V(started) or V(stopped) ensure the service exists and is in that state; V(present) only ensures
            it exists; V(ignore) leaves the service alone. A missing service is created from C(aspnet_state.exe)
            of the chosen framework (the Framework64 copy when 64 is in O(bitness)).
        type: str
        choices:
          - started
          - stopped
          - present
          - ignore
      start_mode:
        description:
          - Start type of the service. Windows installs it as V(manual), and ASP.NET updates reset it
            to V(manual).
        type: str
        choices:
          - auto
          - delayed
          - manual
          - disabled
      port:
        description:
          - TCP port the service listens on, 1 to 65535 (registry C(Parameters\Port), 42424 when absent).
            Read by the service only when it starts.
        type: int
      allow_remote_connection:
        description:
          - 'Whether other hosts may connect (registry C(Parameters\AllowRemoteConnection)); when off,
            connection strings must use C(localhost) or C(127.0.0.1). The service has no authentication:
            keep it behind a firewall. Read by the service only when it starts.'
        type: bool
      restart:
        description:
          - Restart a running service when O(state_service.port) or O(state_service.allow_remote_connection)
            changes, since the service reads them only at start; that drops StateServer sessions (a warning
            says so). V(false) defers the restart, with a warning.
        type: bool
        default: true
  image_root:
    description:
      - 'On a POSIX host: a directory holding a Windows file system (an image, a golden tree, a test fixture),
        one folder per drive letter (C(<image_root>/C/Windows/...)). Windows paths are matched into it
        case-insensitively. O(state_service.state) must then be V(ignore).'
    type: path
  backup:
    description:
      - Keep a timestamped copy of each file changed. The role turns it on for Windows hosts, where the
        write is not atomic.
    type: bool
    default: false
# END GENERATED OPTIONS
notes:
  - O(commit=APPHOST) is refused. IIS accepts C(system.web) sections in applicationHost.config, but the ASP.NET runtime
    only reads machine.config, the root web.config and the web.config files below it, so a setting there has no effect
    while IIS Manager still shows it. Use V(WEBROOT) for the server level (what C(appcmd ... /commit:WEBROOT) does) or
    V(SITE) / V(APP) with O(site).
  - Changing machine.config or a root web.config restarts every ASP.NET application on the server, and changing a site or
    application web.config restarts that application; InProc session data is lost at that moment. Roll out in batches
    (C(serial)) and run a check-mode pass first.
  - M(ansible.windows.win_copy) replaces a file in place, not by an atomic rename, so a failure in the middle of a write
    can leave a damaged configuration file. Use O(backup=true) on Windows hosts (the role does by default).
  - Hosts reached through O(image_root) have no service manager, so the service is not managed there and
    O(state_service.state) must be V(ignore), which is its default with O(image_root).
  - The service is ensured whatever O(mode) is, because Microsoft's procedure asks for it; only V(StateServer) uses it,
    and a warning says so for the other modes. Set O(state_service.state=ignore) to leave the service alone.
  - When O(state_service.port) or O(state_service.allow_remote_connection) changes on a running service, the service is
    restarted (it reads them only when it starts), which drops StateServer sessions; O(state_service.restart=false)
    defers that with a warning.
  - O(bitness) defaults to both trees because 32-bit application pools read the 32-bit (C(Framework)) root web.config and
    64-bit pools the C(Framework64) one.
  - O(sql_connection_string) is C(no_log). Passwords inside connection strings are masked in RV(changes), RV(diff) and
    RV(appcmd). Keep the value in Ansible Vault.
  - A web farm that shares session state (StateServer or SQLServer) also needs the same C(machineKey), site IDs and
    application paths on every node; this module does not manage those.
seealso:
  - module: ansible.windows.win_service
    description: The module this one calls to query, create, configure and start the ASP.NET State Service.
  - module: ansible.windows.win_copy
    description: The module this one calls to write a changed configuration file on a Windows host.
  - name: sessionState element (ASP.NET settings schema)
    link: https://learn.microsoft.com/previous-versions/dotnet/netframework-4.0/h6bb9cz9(v=vs.100)
    description: Microsoft's reference for the attributes of C(<system.web><sessionState>).
  - name: SessionStateSection class
    link: https://learn.microsoft.com/dotnet/api/system.web.configuration.sessionstatesection
    description: The .NET configuration class behind the section, with each property's default.
  - name: Configure ASP.NET settings in IIS
    link: https://learn.microsoft.com/iis/application-frameworks/scenario-build-an-aspnet-website-on-iis/configuring-step-2-configure-asp-net-settings
    description: Why server-level ASP.NET settings belong in the root web.config (C(/commit:WEBROOT)).
"""

EXAMPLES = r"""
- name: Enable in-process session state for the whole server, with the state service on automatic start
  iis.aspnet.session_state:
    mode: InProc
    commit: WEBROOT
    state_service:
      state: started
      start_mode: auto
    backup: true

- name: Turn session state off for one site, in the web.config at the site's root
  iis.aspnet.session_state:
    site: Default Web Site
    commit: SITE
    mode: 'Off'
    state_service:
      state: ignore

- name: Cookies only and a 15-minute timeout for one application, in its own web.config
  iis.aspnet.session_state:
    site: Default Web Site/shop
    commit: APP
    cookieless: UseCookies
    timeout: 15
    state_service:
      state: ignore
    backup: true

- name: Clear a stray override so the application runs the server's values again (Revert To Parent)
  iis.aspnet.session_state:
    site: Default Web Site/shop
    revert: [timeout, cookieless]
    state_service:
      state: ignore
  register: cleared

- name: Remove a sessionState from applicationHost.config, where ASP.NET never reads it
  iis.aspnet.session_state:
    commit: APPHOST
    site: Intranet
    revert: [cookieless]

# A web farm keeping session data on one state server. Every node also needs the same
# machineKey, site IDs and application paths; this module does not manage those.
- name: State server - run aspnet_state on port 42424 and accept the other nodes
  iis.aspnet.session_state:
    mode: StateServer
    state_connection_string: tcpip=127.0.0.1:42424
    state_service:
      state: started
      start_mode: auto
      port: 42424
      allow_remote_connection: true
    backup: true
  when: inventory_hostname == farm_state_server

- name: Other farm nodes - keep session data on the state server
  iis.aspnet.session_state:
    mode: StateServer
    state_connection_string: "tcpip={{ hostvars[farm_state_server].ansible_host }}:42424"
    state_service:
      state: ignore
    backup: true
  when: inventory_hostname != farm_state_server

# The connection string holds a password: keep it in a vaulted variable, for example in
# group_vars/web/vault.yml (encrypted with ansible-vault):
#   vault_session_sql: "data source=sql01.example.com;User ID=aspstate;Password=..."
# sql_connection_string is no_log, and passwords are masked in changes, diff and appcmd.
- name: Keep session data in SQL Server
  iis.aspnet.session_state:
    mode: SQLServer
    sql_connection_string: "{{ vault_session_sql }}"
    sql_command_timeout: 30
    timeout: 60
    state_service:
      state: ignore
    backup: true

- name: Drift check - would the server-level settings change?
  iis.aspnet.session_state:
    mode: InProc
    cookieless: UseCookies
    timeout: 20
  check_mode: true
  register: session_drift

- name: Fail when a configuration file differs from the declared settings
  ansible.builtin.assert:
    that:
      - session_drift.changes | length == 0
    fail_msg: "Drift: {{ session_drift.changes }}"
    quiet: true

- name: Set session state in a Windows image mounted on a Linux build host
  iis.aspnet.session_state:
    image_root: /srv/images/web-2022
    mode: InProc
    cookieless: UseCookies
    timeout: 20
    state_service:
      state: ignore
"""

RETURN = r"""
changed:
  description: Whether a file changed (or would change, in check mode), or the service did.
  returned: always
  type: bool
  sample: true
files:
  description:
    - One entry per configuration file that receives the settings, in the order they were handled.
    - A default bitness whose Framework tree is absent is skipped (with a warning) and not listed.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Windows path of the file (on image hosts too, the path inside the image).
      type: str
      sample: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config
    changed:
      description: Whether the file changed (or would change, in check mode).
      type: bool
      sample: true
    backup_file:
      description:
        - Path of the copy kept before the write, when O(backup=true) and an existing file was written; otherwise V(null)
          (also for a web.config the run created).
        - It is named C(<file>.<process id>.<yyyyMMdd-HHmmss>.bak) beside the file, a name Windows accepts. On Windows hosts
          M(ansible.windows.win_copy) makes it; on image hosts M(iis.aspnet.image_file) makes it, and this is its POSIX
          path inside O(image_root) (beside the file a symbolic link leads to, when the file is one).
      type: str
      sample: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config.4180.20260115-101512.bak
changes:
  description:
    - One entry per attribute that changes (or would change, in check mode). Empty when every file is already as declared.
    - Passwords in connection strings are masked as C(********).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Windows path of the file.
      type: str
      sample: C:\Windows\Microsoft.NET\Framework\v4.0.30319\Config\web.config
    element:
      description: The element that holds the attribute.
      type: str
      sample: sessionState
    attribute:
      description: The XML attribute name.
      type: str
      sample: mode
    before:
      description: The value in the file before the change; V(null) when the attribute (or its element) was absent.
      type: str
      sample: StateServer
    after:
      description: The value after the change; V(null) when O(revert) removes the attribute.
      type: str
      sample: InProc
  sample:
    - path: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config
      element: sessionState
      attribute: mode
      before: null
      after: InProc
reverted:
  description:
    - For each attribute O(revert) removes, the value in effect afterwards at the path the target governs, computed as
      ASP.NET computes it, and where it now comes from. Empty when nothing was removed (the files that would tell are
      read only when something changes) and for O(commit=APPHOST), which ASP.NET does not read.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file the attribute was removed from.
      type: str
    element:
      description: V(sessionState) or V(sessionPageState).
      type: str
    attribute:
      description: The XML attribute name.
      type: str
    config_path:
      description: The configuration path whose value is reported.
      type: str
      sample: MACHINE/WEBROOT/APPHOST/Default Web Site/shop
    value:
      description: The value in effect after the removal (passwords masked).
      type: str
      sample: "20"
    source:
      description: Where it comes from, as in the info module (C(file), C(level), C(location), C(config_path), C(line)), or
        V(null) for the schema default.
      type: dict
service:
  description:
    - The ASP.NET State Service after the run (in check mode, as it would be).
    - V(null) when O(state_service.state=ignore), which is the default on image hosts.
  returned: always
  type: dict
  contains:
    name:
      description: Service name.
      type: str
      sample: aspnet_state
    exists:
      description: Whether the service exists (or would, in check mode).
      type: bool
      sample: true
    state:
      description:
        - V(started) or V(stopped); a service caught in a transition keeps the word M(ansible.windows.win_service) uses
          for it (for example V(start_pending)).
      type: str
      sample: started
    start_mode:
      description: Start type, V(auto), V(delayed), V(manual) or V(disabled).
      type: str
      sample: auto
    port:
      description:
        - TCP port the service uses from its next start (registry C(Parameters\Port); 42424 when absent).
        - V(null) unless O(state_service.port) or O(state_service.allow_remote_connection) is given, since only then is the
          registry read.
      type: int
      sample: 42424
    allow_remote_connection:
      description:
        - Whether the service accepts connections from other hosts from its next start (registry
          C(Parameters\AllowRemoteConnection)).
        - V(null) unless O(state_service.port) or O(state_service.allow_remote_connection) is given.
      type: bool
      sample: false
    changed:
      description: Whether the service or its parameters changed (or would change, in check mode).
      type: bool
      sample: false
appcmd:
  description:
    - The appcmd command lines that would make the same settings, for people who think in appcmd; never run by the module.
    - One line per Framework tree and element for server-level commits, with C(/clr) naming the framework. Passwords are
      masked. O(revert) gives C(clear config) lines naming the attributes removed.
  returned: always
  type: list
  elements: str
  sample:
    - '%windir%\system32\inetsrv\appcmd.exe set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc'
    - '%windir%\SysWOW64\inetsrv\appcmd.exe set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc'
diff:
  description:
    - One entry per file that changes (or would change), each a unified diff of the file's text under C(prepared), with
      secrets masked. Ansible prints it with C(--diff).
  returned: when diff mode is on
  type: list
  elements: dict
  contains:
    prepared:
      description: The unified diff of one file.
      type: str
      sample: |-
        --- before: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config
        +++ after: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config
        @@ -1,4 +1,5 @@
         <configuration>
           <system.web>
        +    <sessionState mode="InProc" />
           </system.web>
         </configuration>
warnings:
  description:
    - Things worth knowing that did not stop the run, for example that InProc does not use the state service, that a default
      Framework tree is absent, or that a service restart was deferred. Ansible prints them, and drops the key when
      there is nothing to say.
  returned: when there is something to warn about
  type: list
  elements: str
  sample:
    - mode InProc does not use the ASP.NET State Service (aspnet_state); it is ensured anyway, as state_service asks
"""
