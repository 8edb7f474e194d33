"""Bounds on what people type, shared by every app's models and forms."""

# TextField max_length is checked by forms (and shown by the textarea), not by the
# database: enough for a long line of recipients or a finding of a few sentences.
MAX_LINE = 2000

# A body of an item or a section: a long article, not a pasted book.
MAX_BODY = 5000

# An issue has a handful of figures and a round a handful of findings. Django builds (and
# the page renders) as many forms as the posted TOTAL_FORMS says, up to absolute_max:
# 2000 by default, seconds of work for one request.
RECORDS_LIMIT = {"max_num": 100, "validate_max": True, "absolute_max": 100}
