# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Documentation only: the work is done on the controller by plugins/action/session_state_info.py.
# The options block is generated from plugins/plugin_utils/base/_spec.py (module_spec) by tools/gen_docs.py:
# edit the spec, then run tools/gen_docs.py --write; never edit between the markers by hand.

from __future__ import annotations

DOCUMENTATION = r"""
module: session_state_info
short_description: Report the ASP.NET session state in effect on IIS servers, and where each value comes from
version_added: 0.1.0
description:
  - For the server level (each .NET framework and bitness), each IIS site and each application, reports the value in effect of
    every C(<system.web><sessionState>) and C(<sessionPageState>) attribute, computed the way the .NET configuration system
    computes it - for each configuration path from C(MACHINE) down, the parent path's result, then every C(<location path>)
    aimed at that path from the files above (oldest first), then the path's own web.config; C(inheritInChildApplications)
    stops at child applications; the schema default where nothing sets a value. The collection's docs/configuration-model.md
    states the rules and their sources.
  - Each value carries its provenance - file, level, C(<location>) path (or null) and the configuration path the definition
    targets - or null when it is the schema default.
  - The machine.config and root web.config above a site or application are those of its application pool (runtime version
    and C(enable32BitAppOnWin64)), so an application in a 32-bit pool is merged from the C(Framework) tree.
  - Session settings in applicationHost.config are listed under RV(ignored), never merged - ASP.NET does not read
    C(system.web) from that file, although IIS Manager shows it.
  - Findings report what the configuration alone shows to be wrong - values the runtime refuses, a C(cookieless) in the
    wrong case, a timeout above one year with InProc or StateServer, a connection string the runtime refuses once looked up
    as a C(<connectionStrings>) name, sessionState below application level, a definition a broader level locks, a
    C(<location>) the runtime refuses, two definitions for one path in one file, settings that differ between the 64-bit and
    32-bit root web.config, StateServer without a running, automatic C(aspnet_state) service.
  - This module is implemented as an action plugin; the merge runs on the controller. It reads each file once per host,
    whatever the number of sites, with M(ansible.builtin.slurp) (on Windows hosts), or M(iis.aspnet.image_file) under
    O(image_root), which keeps every path inside its drive folder and refuses special files. It never writes.
  - After applicationHost.config, one call learns which of the other candidate files exist - M(iis.aspnet.image_file)
    under O(image_root), M(ansible.windows.win_find) on Windows - so only those are read. M(ansible.windows.win_find)
    does not expand C(%windir%)-style variables, so the action expands them with the host's C(env) facts; when the
    play gathered none, one M(ansible.windows.setup) call for that subset alone comes first.
author:
  - iis.aspnet maintainers (@iis-aspnet)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - iis.aspnet.action_group
  - iis.aspnet.image
  - iis.aspnet.read_only
# BEGIN GENERATED OPTIONS
options:
  site:
    description:
      - One IIS configuration path below APPHOST, such as V(Default Web Site) or V(Default Web Site/shop),
        or a list of them. Each must name a site or an application - ASP.NET allows session state only
        down to application level.
      - When omitted, every site and application found in applicationHost.config is reported, and the
        server level too. When given, only the named levels are reported (not the server level, and not
        the applications below a named site).
    type: raw
  framework_version:
    description:
      - Which .NET Framework configuration tree the server level is reported for, V(v4.0) (C(v4.0.30319))
        or V(v2.0) (C(v2.0.50727)). When omitted, both, skipping a tree that is absent. Sites and applications
        always follow their application pool.
    type: str
    choices:
      - v4.0
      - v2.0
  bitness:
    description:
      - Which Framework trees the server level is reported for, V(64) (C(Framework64)) and V(32) (C(Framework)).
        When omitted, both, skipping a tree that is absent; a tree asked for by name (or with O(framework_version))
        that is absent is an error.
    type: list
    elements: int
  image_root:
    description:
      - 'On a POSIX host: a directory holding a Windows file system (an image, a golden tree, a test fixture),
        one folder per drive letter (C(<image_root>/C/Windows/...)). Windows paths are matched into it
        case-insensitively.'
    type: path
  include_service:
    description:
      - Query the ASP.NET State Service (C(aspnet_state)) and its C(Parameters) registry values on Windows
        hosts, and check StateServer levels against them. On image hosts the service is reported as not
        applicable.
    type: bool
    default: true
# END GENERATED OPTIONS
seealso:
  - module: iis.aspnet.session_state
"""

EXAMPLES = r"""
- name: Report session state for every site and application
  iis.aspnet.session_state_info:
  register: session_info

- name: Show which applications run StateServer, and which file says so
  ansible.builtin.debug:
    msg: >-
      {{ item.config_path }}: {{ item.session_state.mode.value }}
      from {{ item.session_state.mode.source.file | default('the schema default') }}
  loop: "{{ session_info.levels | selectattr('session_state.mode.value', 'equalto', 'StateServer') }}"
  loop_control:
    label: "{{ item.config_path }}"

- name: Report two applications only, without the service
  iis.aspnet.session_state_info:
    site:
      - Default Web Site/shop
      - Intranet/hr
    include_service: false

- name: Inspect an offline image of a server
  iis.aspnet.session_state_info:
    image_root: /srv/images/web01
"""

RETURN = r"""
levels:
  description:
    - One entry per level reported - the server level (per framework and bitness) when O(site) is omitted, then each site
      root and application.
  returned: success
  type: list
  elements: dict
  contains:
    config_path:
      description: The configuration path, as appcmd names it.
      type: str
      sample: MACHINE/WEBROOT/APPHOST/Default Web Site/shop
    kind:
      description: V(server), V(site) (an application at V(/)) or V(application).
      type: str
      sample: application
    site:
      description: The IIS site name; null for the server level.
      type: str
      sample: Default Web Site
    application:
      description: The application's URL path (V(/) for the site root); null for the server level.
      type: str
      sample: /shop
    framework_version:
      description: The .NET tree whose machine.config and root web.config sit above this level.
      type: str
      sample: v4.0
    bitness:
      description: V(64) (C(Framework64)) or V(32) (C(Framework)).
      type: int
      sample: 64
    pool:
      description: The application pool; null for the server level.
      type: str
      sample: ShopAppPool
    files:
      description: The files merged for this level, broadest first, each with C(path), C(level), C(config_path), C(exists).
      type: list
      elements: dict
    complete:
      description: False when a file could not be read or a definition could not be inspected (see RV(findings)).
      type: bool
      sample: true
    unread:
      description:
        - Per section (C(session_state), C(session_page_state)), why its values at this level cannot be known - a file on
          the way that cannot be parsed, a definition that is encrypted or redirected with C(configSource) - one text
          naming the file per cause; empty when every input was read. The values shown then are those of the inputs
          that could be read, and M(iis.aspnet.session_state_stig) judges no rule on them.
      type: dict
      sample:
        session_state:
          - "D:\\Sites\\Kiosk\\web.config: <sessionState> at line 4 is redirected with configSource='session.config'; edit that file instead"
        session_page_state: []
    session_state:
      description:
        - One key per C(sessionState) attribute (its XML name, such as C(mode) or C(stateConnectionString)), each a dict
          with C(value) (the text in effect; passwords masked) and C(source).
        - C(source) is null for a schema default, else a dict with C(file), C(level) (V(MACHINE), V(WEBROOT), V(SITE),
          V(APP) or V(FOLDER)), C(location) (the C(<location path>) as written, or null at the top of the file),
          C(config_path) (the configuration path the definition is applied at, as IIS spells it) and C(line).
        - C(overrides) lists every definition below the server level (anything but the top of machine.config and of the
          root web.config) that sets the attribute on the way to this level, in the order they apply, each a C(source)
          with its C(value) (masked). These are what reverting would remove; the filter
          P(iis.aspnet.override_reverts#filter) turns them into M(iis.aspnet.session_state) calls.
        - .NET 4-only attributes are absent for V(v2.0) levels.
      type: dict
      sample:
        mode:
          value: InProc
          source:
            file: C:\inetpub\shop\web.config
            level: APP
            location: null
            config_path: MACHINE/WEBROOT/APPHOST/Default Web Site/shop
            line: 12
          overrides:
            - file: C:\inetpub\shop\web.config
              level: APP
              location: null
              config_path: MACHINE/WEBROOT/APPHOST/Default Web Site/shop
              line: 12
              value: InProc
        timeout:
          value: "20"
          source: null
          overrides: []
    session_page_state:
      description: C(historySize), in the same shape as RV(levels[].session_state).
      type: dict
ignored:
  description: Session definitions in applicationHost.config, which ASP.NET does not read.
  returned: success
  type: list
  elements: dict
  contains:
    file:
      description: applicationHost.config.
      type: str
    location:
      description: The C(<location path>) as written, or null.
      type: str
      sample: Intranet
    config_path:
      description: The path the definition targets.
      type: str
    element:
      description: V(sessionState) or V(sessionPageState).
      type: str
    attributes:
      description: The attributes as written (passwords masked).
      type: dict
      sample: {cookieless: UseUri}
    reason:
      description: Why it has no effect.
      type: str
findings:
  description: Misconfigurations readable from the configuration and the service facts.
  returned: success
  type: list
  elements: dict
  contains:
    rule:
      description:
        - V(invalid-value), V(unrecognized-attribute), V(wrong-case-element), V(duplicate-definition),
          V(beyond-application), V(definition-not-allowed), V(invalid-location), V(locked), V(runtime-rejects),
          V(unresolved-connection-string), V(not-inspectable), V(unreadable), V(ignored-apphost), V(bitness-differs) or
          V(state-service).
      type: str
      sample: beyond-application
    severity:
      description: V(error) (the runtime refuses the configuration) or V(warning) (it runs other than it reads).
      type: str
    message:
      description: One line of explanation; passwords masked.
      type: str
    file:
      description: The file at fault, when one is.
      type: str
    line:
      description: The line of the definition, when known.
      type: int
    config_path:
      description: The configuration path concerned, when one is.
      type: str
skipped:
  description: machine.config files of server trees left out because they are absent (when not asked for by name).
  returned: success
  type: list
  elements: str
service:
  description:
    - The ASP.NET State Service on Windows hosts - C(name), C(exists), C(state), C(start_mode), C(binary), C(port) and
      C(allow_remote_connection) (what the service uses at its next start, from the registry), and C(applicable) true.
    - On image hosts C(applicable) is false, with a C(reason). Null when O(include_service=false).
  returned: success
  type: dict
  sample: {name: aspnet_state, applicable: true, exists: true, state: stopped, start_mode: manual, port: 42424,
           allow_remote_connection: false, binary: C:\Windows\Microsoft.NET\Framework64\v4.0.30319\aspnet_state.exe}
files_read:
  description:
    - How many files were read from the host, each once - the candidate config files that exist. Which of them exist
      is learnt first with one call for all (M(iis.aspnet.image_file) on image hosts, M(ansible.windows.win_find) on
      Windows), so an absent one costs no call - the task makes RV(files_read) + 1 module calls per host, plus the
      service query where it applies (docs/performance.md).
  returned: success
  type: int
  sample: 14
"""
