# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of every module that reads a Windows tree held by a POSIX host (an image).

The options below are generated from the engine's option spec by tools/gen_docs.py --write
(make docs checks them); image_root itself is documented by each module, as its rules differ.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
# BEGIN GENERATED OPTIONS
options:
  image_environment:
    description:
      - 'With O(image_root): the Windows environment variables of the imaged server, which the controller
        expands where the server would (physical paths in applicationHost.config, the Windows folder):
        V(SystemDrive) (default V(C:)), V(windir) (default the V(Windows) folder of V(SystemDrive)) and
        any other variable those paths use; C(ProgramFiles) and the like follow from V(SystemDrive) unless
        given. On a Windows host leave it out: the host expands variables itself.'
    type: dict
  image_shares:
    description:
      - 'With O(image_root): where UNC shares the server reads are in the image, as a mapping from a share
        (V(\\\\fs01\\iisconfig)) to a Windows path of the image (V(Z:\\)): shared configuration (C(redirection.config))
        and content on shares are read there. Without a mapping, a share the server uses is refused by
        name, never replaced by a local copy.'
    type: dict
# END GENERATED OPTIONS
"""
