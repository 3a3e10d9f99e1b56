"""The audit benchmark's inputs: the floor reads exactly the config files the sample holds."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_the_floor_reads_the_14_config_files_the_sample_holds(audit):
    # counted in examples/sample-server: redirection.config, applicationHost.config, 8 .NET files,
    # the web.config of wwwroot, shop, Intranet and legacy
    assert len(audit.floor_files()) == len(set(audit.floor_files())) == 14


def test_a_floor_that_misses_a_file_is_refused(audit, monkeypatch, tmp_path):
    sample = tmp_path / "sample"
    (sample / "D" / "Sites").mkdir(parents=True)
    (sample / "D" / "Sites" / "web.config").write_text("<configuration/>")
    monkeypatch.setattr(audit.fleet, "SAMPLE", str(sample))
    with pytest.raises(RuntimeError, match="audit-floor.yml reads"):
        audit.floor_files()


def test_the_plans_measure_10_hosts_quickly_and_10_and_50_by_default(audit):
    assert audit.PLANS == {"quick": [(10, 5)], "default": [(10, 20), (50, 20)]}
    assert audit.VARIANTS == ("audit-floor", "info", "stig-playbook")
    assert all((Path(audit.fleet.PLAYBOOKS) / f"{variant}.yml").is_file() for variant in audit.VARIANTS)
