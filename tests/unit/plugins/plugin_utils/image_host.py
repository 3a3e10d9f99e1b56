"""An image host in the test process: the real ``iis.aspnet.image_file`` module on a real tree.

Private to the iis.aspnet collection's tests. ``execute`` validates the arguments with the
module's own ARGUMENT_SPEC (as AnsibleModule would on the host) and runs the module's ``run``;
``put`` writes an upload into a temp dir, as the action plugin's ``_put`` does on a real host.
"""

from __future__ import annotations

from pathlib import Path

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.iis.aspnet.plugins.modules import image_file

MODULE = "iis.aspnet.image_file"


class LocalImageHost:
    """Counts calls, keeps what was sent, and can run a hook before a given operation."""

    def __init__(self, uploads: Path, check_mode: bool = False) -> None:
        self.uploads = uploads
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.check_mode = check_mode
        self.sent: list[tuple[str, dict]] = []
        self.before: dict[str, object] = {}  # op -> callable run just before that operation

    def execute(self, module_name: str, module_args: dict, task_vars: dict | None = None, **_kwargs) -> dict:
        """A transport's ``execute(module, args)``, and an action's ``_execute_module(...)`` too."""
        module, args = module_name, module_args
        assert module == MODULE, module
        self.sent.append((module, args))
        validated = ArgumentSpecValidator(image_file.ARGUMENT_SPEC, required_if=image_file.REQUIRED_IF).validate(args)
        if validated.error_messages:
            return {"failed": True, "msg": "; ".join(validated.error_messages)}
        hook = self.before.get(args["op"])
        if hook is not None:
            hook()
        return image_file.run(validated.validated_parameters, self.check_mode)

    def transfer(self, remote: str, data: bytes) -> None:
        """What an action's _transfer_data does on this host."""
        Path(remote).write_bytes(data)

    def put(self, data: bytes) -> str:
        path = self.uploads / f"session_state_{len(list(self.uploads.iterdir())) + 1}"
        path.write_bytes(data)
        return str(path)

    def ops(self) -> list[str]:
        return [args["op"] for _module, args in self.sent]


__all__ = ["MODULE", "LocalImageHost"]
