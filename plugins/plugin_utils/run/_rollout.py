"""Rollout batches: the ``rollout_batches`` value of iis.aspnet.rollout, checked, and the batches it makes.

Private to the iis.aspnet collection: not a public API.

The value becomes the play's ``serial``. Users give it as a list (inventory, ``-e @file``), as
the text of one, or as one size. ``-e rollout_batches='[1, "25%", "100%"]'`` reaches the play cut
in two: ansible-playbook splits ``-e key=value`` at spaces, so the variable holds ``[1,`` and the
extra variable ``_raw_params`` the rest (``"25%", "100%"]``); given as ``split_off``, the rest is
joined back. :func:`serial` turns any of those into the list Ansible expects, refusing what
Ansible would crash on ("invalid literal for int()") or silently read otherwise (0 means "all
hosts" to Ansible). :func:`batches` splits a host list the way Ansible's playbook executor does
(``PlaybookExecutor._get_serialized_batches``), so a play can name each batch "k of n".
"""

from __future__ import annotations

import re

import yaml

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError

OPTION = "rollout_batches"
EXAMPLE = "[1, '25%', '100%']"
_PERCENT = re.compile(r"^([0-9]+)%$")
_COUNT = re.compile(r"^[0-9]+$")


def serial(value: object, split_off: object = None) -> list[int | str]:
    """The batch sizes as Ansible's ``serial`` takes them: host counts (int) and percentages ('25%')."""
    sizes = _parsed(_joined(value, split_off))
    if not isinstance(sizes, list):
        sizes = [sizes]
    if not sizes:
        raise OptionError(OPTION, f"is empty: give at least one batch size, for example {EXAMPLE}")
    return [_size(size) for size in sizes]


def batches(value: object, hosts: list[str], split_off: object = None) -> list[list[str]]:
    """``hosts`` (in play order) cut into the batches that ``serial(value)`` makes of them."""
    sizes, left, made = serial(value, split_off), list(hosts), []
    while left:
        size = _count(sizes[min(len(made), len(sizes) - 1)], len(hosts))
        made.append(left[:size])
        left = left[size:]
    return made


def _joined(value: object, split_off: object) -> object:
    """The list text that ``-e key=value`` cut at its first space, whole again (see the module's doc)."""
    if isinstance(value, str) and isinstance(split_off, str) and split_off.strip():
        if value.lstrip().startswith("[") and not value.rstrip().endswith("]"):
            return f"{value} {split_off}"
    return value


def _parsed(value: object) -> object:
    """A string is YAML text (a list, or one size); anything else is taken as given."""
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value) if value.strip() else []
    except yaml.YAMLError as exc:
        raise OptionError(OPTION, f"{value!r} is not a YAML list of batch sizes ({exc.problem}); write it as {EXAMPLE}, on "
                                  f"the command line -e '{{\"rollout_batches\": [1, \"25%\", \"100%\"]}}'") from exc


def _size(size: object) -> int | str:
    """One batch size: a host count of at least 1, or a percentage from 1% to 100% of the play's hosts."""
    text = str(size).strip() if isinstance(size, (int, str)) and not isinstance(size, bool) else None
    percent = _PERCENT.match(text or "")
    if percent and 1 <= int(percent.group(1)) <= 100:
        return f"{int(percent.group(1))}%"
    if text is not None and _COUNT.match(text) and int(text) >= 1:
        return int(text)
    raise OptionError(OPTION, f"{size!r} is not a batch size: give a number of hosts (1 or more) or a percentage of "
                              f"the play's hosts ('1%' to '100%'), for example {EXAMPLE}")


def _count(size: int | str, total: int) -> int:
    """Hosts in a batch of ``size``, as Ansible counts them: a percentage rounds down, but never below 1."""
    if isinstance(size, str):
        return int(int(size[:-1]) / 100.0 * total) or 1
    return size


__all__ = ["OPTION", "serial", "batches"]
