# ruff: noqa
# Copied from pycontribs/pyrax 1.10.0 (https://github.com/pycontribs/pyrax),
# samples/images/list_images.py, under the Apache License 2.0 (the original notice follows).
# Changed for pyrax_image and the local cloud, and nothing else:
#   - the import line: `import pyrax` -> `import pyrax_image as pyrax`
#   - the credential lines: identity_type "rackspace" -> "keystone"; the
#     credential file (~/.rackspace_cloud_credentials) and ~/.pyrax.cfg are
#     written by tests/integration/test_pyrax_samples.py in a temporary $HOME
#     and point at the local Keystone.
# Python 2's raw_input is given by the test's runner (_run.py), which answers
# the prompts.
#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright 2014 Rackspace

# All Rights Reserved.
#
#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

from __future__ import print_function

import os
import pyrax_image as pyrax

pyrax.set_setting("identity_type", "keystone")
creds_file = os.path.expanduser("~/.rackspace_cloud_credentials")
pyrax.set_credential_file(creds_file)
imgs = pyrax.images

images = imgs.list()

if not images:
    print("No images exist.")
    exit()
print("There are %s images:" % len(images))
for image in images:
    print("  (%s) %s (ID=%s)" % (image.visibility, image.name, image.id))
