# ruff: noqa
# The code examples of pyrax's docs/images.md (pycontribs/pyrax 1.10.0,
# https://github.com/pycontribs/pyrax, Apache License 2.0), one string each,
# in the order of the page. Changed, and nothing else: Python 2's
# `print x` -> `print(x)`; the pseudo-syntax
# `imgs.import_task(img, cont[, img_format=None[, img_name=None]])` is given in
# its two real forms. The names the examples assume (`pyrax`, `img`, `cont`,
# `img_id`, `status`, `project_id`) are set by tests/integration/test_pyrax_samples.py,
# which also does the credential lines.

ALIAS = """\
imgs = pyrax.images
"""

LIST = """\
images = imgs.list()
print(images)
"""

LIST_ALL = """\
all_images = imgs.list_all()
"""

ADD_MEMBER = """\
imgs.add_image_member(img, "12345abc")
"""

ADD_MEMBER_ON_IMAGE = """\
img.add_member("12345abc")
"""

UPDATE_MEMBER = """\
imgs.update_image_member(img_id, status)
"""

DELETE_MEMBER = """\
imgs.delete_image_member(img, project_id)
"""

DELETE_MEMBER_ON_IMAGE = """\
img.delete_member(project_id)
"""

EXPORT = """\
task = imgs.export_task(img, cont)
"""

POLL = """\
task.reload()
print(task.status)
"""

IMPORT = """\
task = imgs.import_task(img, cont)
"""

IMPORT_WITH_FORMAT_AND_NAME = """\
task = imgs.import_task(img, cont, img_format=None, img_name=None)
"""
