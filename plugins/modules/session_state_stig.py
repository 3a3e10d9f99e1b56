# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Documentation only: the work is done on the controller by plugins/action/session_state_stig.py.
# The options block is generated from plugins/plugin_utils/base/_spec.py (module_spec) by tools/gen_docs.py:
# edit the spec, then run tools/gen_docs.py --write; never edit between the markers by hand.

from __future__ import annotations

DOCUMENTATION = r"""
module: session_state_stig
short_description: Audit ASP.NET session state against the DISA IIS STIG rules, with evidence per rule and site
version_added: 0.1.0
description:
  - Judges the session-state rules of the DISA Microsoft IIS 10.0 (Server V3R7, Site V2R15) or IIS 8.5 (Server V2R7,
    Site V2R9) STIGs on one host - the server rules on the .NET 4 root web.config (64- and 32-bit), the site rules on
    every site found in applicationHost.config, at the site root and at each of its applications.
  - Each rule and target gets a status - V(NotAFinding), V(Open) or V(Not_Applicable) - and its evidence, the value in
    effect with the file, level and line it comes from, as M(iis.aspnet.session_state_info) reports it.
  - Settings that only applicationHost.config holds are shown next to the value ASP.NET runs - IIS Manager (where the
    STIG checks are written to be made) displays them, the ASP.NET runtime never reads them - and the finding details say
    when a check made in IIS Manager would conclude otherwise.
  - Also returns the site-level settings that would close the open site findings (RV(remediation)), as arguments for
    M(iis.aspnet.session_state); the role M(iis.aspnet.session_state) applies them when C(session_state_profile) is set.
  - Read-only. It reads each file once per host, like M(iis.aspnet.session_state_info), and queries no service (no rule
    looks at it). It leaves out the files no rule judges - the web.config of folders that are not applications, and the
    server level of a .NET tree other than 4 that no application pool runs. The callback
    P(iis.aspnet.drift_report#callback) turns its results into the report and STIG Viewer checklists.
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
  profile:
    description:
      - Which STIGs to judge - V(stig_iis10) (IIS 10.0 Server V3R7 and Site V2R15) or V(stig_iis85) (IIS
        8.5 Server V2R7 and Site V2R9).
      - IIS 10.0 V-218805 asks for a session timeout of at most 15 minutes, IIS 8.5 V-214420 of at most
        20.
    type: str
    choices:
      - stig_iis10
      - stig_iis85
    default: stig_iis10
  exceptions:
    description:
      - Declared exceptions, each with a justification that the report and the checklist carry for the
        auditor.
      - V(not_applicable) - a server or site used only for system-to-system maintenance, with no user
        access and restricted IPs; its rules that the STIG allows it for (the cookie rules) become V(Not_Applicable).
      - V(web_farm) - a site of a web farm that keeps session state in SQL Server or a state server; the
        rules that say so (V-218751, V-214444, V-214462) are V(NotAFinding) when its mode is out of process,
        and the remediation leaves its mode alone.
    type: list
    elements: dict
    default: []
    suboptions:
      site:
        description:
          - The IIS site. Omit it for the server.
        type: str
      kind:
        description:
          - The kind of exception.
        type: str
        required: true
        choices:
          - not_applicable
          - web_farm
      justification:
        description:
          - Why the rules do not apply. Required and not empty.
        type: str
        required: true
      rules:
        description:
          - The Vuln IDs the exception covers (default - every rule the kind fits).
        type: list
        elements: str
  server:
    description:
      - The settings the same run writes at server level (C(mode), C(cookieless), C(timeout), C(commit),
        C(framework_version), C(bitness), as given to M(iis.aspnet.session_state)). With C(commit=MACHINE)
        only values that come from machine.config (or the schema default) count as fixed by it, since
        a root web.config overrides it.
      - Values a site inherits from there are judged fixed by that write, so RV(remediation) does not
        repeat them in every site.
      - A value that contradicts the profile (C(cookieless) other than V(UseCookies) or V(false), a timeout
        above the limit) is refused, before any file is read.
    type: dict
    default: {}
  declared:
    description:
      - The site entries the same run writes (as given to M(iis.aspnet.session_state)). An entry that
        contradicts the profile without an exception for its site is refused, and RV(remediation) leaves
        the settings they own to them.
    type: list
    elements: dict
    default: []
  image_root:
    description:
      - 'On a POSIX host: a directory holding a Windows file system (an image, a golden tree, a test fixture),
        one folder per drive letter (C(<image_root>/C/Windows/...)). Windows paths are matched into it
        case-insensitively. Required on a POSIX host; refused on Windows hosts.'
    type: path
# END GENERATED OPTIONS
seealso:
  - module: iis.aspnet.session_state_info
  - module: iis.aspnet.session_state
  - plugin: iis.aspnet.drift_report
    plugin_type: callback
notes:
  - Rule data and the releases implemented are listed in the collection's docs/stig.md.
"""

EXAMPLES = r"""
- name: Audit one server against the IIS 10.0 STIGs
  iis.aspnet.session_state_stig:
    profile: stig_iis10
    exceptions:
      - site: Shop
        kind: web_farm
        justification: Four nodes behind the load balancer keep sessions in the SQL Server availability group SESSIONS01.
      - site: Monitoring
        kind: not_applicable
        justification: System-to-system health checks only; bound to 10.1.2.0/24, no user logon.
  register: stig

- name: List the open findings
  ansible.builtin.debug:
    msg: "{{ stig.findings | selectattr('status', 'eq', 'Open') | map(attribute='vuln_id') | list }}"
"""

RETURN = r"""
profile:
  description: The profile and the STIG releases it implements.
  returned: success
  type: dict
  contains:
    name:
      description: The profile.
      type: str
      sample: stig_iis10
    benchmarks:
      description: One entry per STIG - C(stig_id), C(title), C(version), C(release), C(release_info), C(scope) (V(server) or V(site)).
      type: list
      elements: dict
findings:
  description: One entry per rule and target - the server, then each site.
  returned: success
  type: list
  elements: dict
  contains:
    stig:
      description: The STIG benchmark ID.
      type: str
      sample: IIS_10-0_Site_STIG
    vuln_id:
      description: The Vuln ID.
      type: str
      sample: V-218736
    rule_id:
      description: The Rule ID of the release implemented.
      type: str
      sample: SV-218736r1022669_rule
    stig_id:
      description: The STIG ID (Rule_Ver).
      type: str
      sample: IIST-SI-000202
    severity:
      description: V(high), V(medium) or V(low) (CAT I, II, III).
      type: str
    title:
      description: The rule title.
      type: str
    scope:
      description: V(server) or V(site).
      type: str
    site:
      description: The site; null for a server rule.
      type: str
      sample: Intranet
    status:
      description: V(NotAFinding), V(Open) or V(Not_Applicable).
      type: str
      sample: Open
    finding_details:
      description: One line per level and attribute - the value, where it comes from, what the rule asks, and what IIS Manager
        would show when applicationHost.config says otherwise.
      type: str
    comments:
      description: The exception and its justification, when one applies.
      type: str
    evidence:
      description:
        - One entry per level and attribute - C(config_path), C(framework_version), C(bitness), C(attribute), C(value),
          C(required), C(compliant), C(source) (as in M(iis.aspnet.session_state_info); null for the schema default),
          C(unread) and C(iis_manager) (the applicationHost.config value IIS Manager shows there, with C(file), C(line) and
          C(compliant), or null).
        - C(compliant) is null, and the finding V(Open) whatever the value shown, when the value in effect cannot be known -
          C(unread) then names each file or definition that could not be read (a file that cannot be parsed, a
          C(<sessionState>) that is encrypted or redirected with C(configSource)), as
          RV(iis.aspnet.session_state_info#module:levels[].unread) does. No remediation is planned on such a value.
      type: list
      elements: dict
summary:
  description: How many findings have each status.
  returned: success
  type: dict
  sample: {Open: 1, NotAFinding: 6, Not_Applicable: 1}
remediation:
  description:
    - Arguments for M(iis.aspnet.session_state) that close the open site findings. Where the server-level value complies
      (as it is, or as the server-level write of the same run, O(server), leaves it) and overrides below the server level
      give the site its value, one call per file and C(<location>) removes them (C(commit), C(site), C(revert), and for a
      C(<location>) in a server file C(framework_version) and C(bitness)); these come first. Otherwise a site-level write
      (C(site) and the settings), broadest level first. Settings the server-level write already fixes are left out.
  returned: success
  type: list
  elements: dict
  sample: [{commit: SITE, site: Kiosk, revert: [cookieless]}, {site: Legacy, mode: InProc}]
files_read:
  description:
    - How many files were read from the host, each once - the candidate config files that exist. Which of them exist
      is learnt first with one call for all (M(iis.aspnet.image_file) on image hosts, M(ansible.windows.win_find) on
      Windows), so an absent one costs no call - the task makes RV(files_read) + 1 module calls per host, plus the
      service query where it applies (docs/performance.md).
  returned: success
  type: int
  sample: 12
"""
