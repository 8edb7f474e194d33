"""Bounds on what people type, shared by every app's models and forms."""

# TextField max_length is checked by forms (and shown by the textarea), not by the
# database: enough for a long line of recipients or a finding of a few sentences.
MAX_LINE = 2000

# A body of an item or a section: a long article, not a pasted book.
MAX_BODY = 5000

# The printed text of a whole issue. Layout time grows faster than the text (one
# paragraph of 50 000 characters takes 3 s, of 2 MB minutes): with every paragraph
# within MAX_BODY, an issue of this size renders in about 4 s on one core, far inside
# the render budget (settings.RENDER_TIMEOUT_SECONDS). About 160 pages.
MAX_ISSUE_CHARS = 100_000
# A bulletin file to import: the text of MAX_ISSUE_CHARS and its markup, with room.
MAX_IMPORT_BYTES = 1_000_000
# Its lines: an issue of MAX_ISSUE_CHARS is about 3 500 printed lines (22 a page); the
# import preview shows every line of the file, so a file of blank lines is refused too.
MAX_IMPORT_LINES = 10_000

# A section's own text, which may gather several items' worth.
MAX_SECTION_TEXT = MAX_BODY * 4

# Every form field renders its limit as maxlength, so the browser stops the typing. All
# of them stay far below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), past which a post is
# refused whole: url-encoded a Chinese character takes 9 bytes, MAX_SECTION_TEXT 180 KB
# (tests/test_attacks_input.py checks every form).

# An issue has a handful of figures and a round a handful of findings. Django builds (and
# the page renders) as many forms as the posted TOTAL_FORMS says, up to absolute_max:
# 2000 by default, seconds of work for one request.
RECORDS_LIMIT = {"max_num": 100, "validate_max": True, "absolute_max": 100}
