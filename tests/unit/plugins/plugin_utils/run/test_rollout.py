"""_rollout: rollout_batches checked, and the batches Ansible's serial makes of a host list."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.iis.aspnet.plugins.filter.rollout import FilterModule
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _rollout
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError


def hosts(count: int) -> list[str]:
    return [f"web{number:02d}" for number in range(1, count + 1)]


@pytest.mark.parametrize(("value", "expected"), [
    ([1, "25%", "100%"], [1, "25%", "100%"]),
    ('[1, "25%", "100%"]', [1, "25%", "100%"]),  # -e rollout_batches='[1, "25%", "100%"]' passes the text
    ("[1, '10%', 50%]", [1, "10%", "50%"]),
    ("3", [3]),
    (3, [3]),
    ("25%", ["25%"]),
    (["2", " 50% ", "100%"], [2, "50%", "100%"]),
    ("[2, '05%']", [2, "5%"]),
])
def test_serial_takes_a_list_its_text_or_one_size(value, expected):
    assert _rollout.serial(value) == expected


@pytest.mark.parametrize(("value", "fragment"), [
    (0, "0 is not a batch size"),
    ("[1, 0]", "0 is not a batch size"),
    (["0%"], "'0%' is not a batch size"),
    (["101%"], "'101%' is not a batch size"),
    (["25.5%"], "'25.5%' is not a batch size"),
    (["25 %"], "'25 %' is not a batch size"),
    (["ten"], "'ten' is not a batch size"),
    ([-1], "-1 is not a batch size"),
    ([True], "True is not a batch size"),
    ([1.5], "1.5 is not a batch size"),
    ([[1]], "[1] is not a batch size"),
    ({"first": 1}, "{'first': 1} is not a batch size"),
    ([], "is empty"),
    ("", "is empty"),
    ("[1, '25%'", "is not a YAML list of batch sizes"),
])
def test_serial_refuses_what_ansible_would_crash_on_or_misread(value, fragment):
    with pytest.raises(OptionError, match="^rollout_batches: ") as refused:
        _rollout.serial(value)
    assert fragment in str(refused.value) and "[1, '25%', '100%']" in str(refused.value)


# -e rollout_batches='[1, "25%", "100%"]': ansible-playbook keeps "[1," and puts the rest in _raw_params.
@pytest.mark.parametrize(("value", "split_off", "expected"), [
    ("[1,", '"25%", "100%"]', [1, "25%", "100%"]),
    ("[1, '25%',", "'100%']", [1, "25%", "100%"]),
    ([1, "25%"], '"100%"]', [1, "25%"]),  # a real list: nothing was cut
    ("[1]", "other words", [1]),  # a whole list: the other words are someone else's
    ("3", '"25%"]', [3]),
])
def test_serial_joins_what_ansible_playbook_split_off_at_spaces(value, split_off, expected):
    assert _rollout.serial(value, split_off) == expected


def test_a_cut_list_without_its_rest_says_how_to_pass_it():
    with pytest.raises(OptionError, match=r"^rollout_batches: '\[1,' is not a YAML list of batch sizes") as refused:
        _rollout.serial("[1,")
    assert """-e '{"rollout_batches": [1, "25%", "100%"]}'""" in str(refused.value)


# Worked by hand with Ansible's rule: a percentage of all the play's hosts, rounded down, at least 1;
# the last size repeats until no host is left.
@pytest.mark.parametrize(("value", "count", "sizes"), [
    ([1, "25%", "100%"], 3, [1, 1, 1]),  # 25% of 3 is 0.75: one host
    ([1, "25%", "100%"], 8, [1, 2, 5]),  # 100% of 8 is 8, but only 5 are left
    ([1, "10%", "50%", "100%"], 20, [1, 2, 10, 7]),
    ([1, "10%", "50%", "100%"], 2, [1, 1]),
    ([2], 5, [2, 2, 1]),
    (["30%"], 10, [3, 3, 3, 1]),
    ([1, "25%", "100%"], 1, [1]),
    ([1], 0, []),
])
def test_batches_cut_the_hosts_as_ansible_does(value, count, sizes):
    made = _rollout.batches(value, hosts(count))
    assert [len(batch) for batch in made] == sizes
    assert [host for batch in made for host in batch] == hosts(count)


def test_the_filters_wrap_the_engine_and_fail_as_ansible_filters():
    filters = FilterModule().filters()
    assert filters["rollout_serial"]('[1, "25%", "100%"]') == [1, "25%", "100%"]
    assert filters["rollout_batches"]("[1, '50%']", ["a", "b", "c"]) == [["a"], ["b"], ["c"]]
    with pytest.raises(AnsibleFilterError, match=r"^rollout_batches: 'ten' is not a batch size"):
        filters["rollout_serial"]("ten")
    with pytest.raises(AnsibleFilterError, match="hosts must be a list of host names"):
        filters["rollout_batches"]([1], "web01")
