"""信息报送考核: what each department of a hall sends, what the bulletins use, the points
and ranks that follow, and the monthly 《信息报送采用情况通报》 (DESIGN.md section 6).

models.py    rule versions, months (open → published, frozen), their stored lines,
             领导批示, joint items (合报), the window-ledger proposals for missed calls
figures.py   the counting: a month's figures from the issues issued in it, a quarter's
             or a year's from its months, the ranking and the prose summary
services.py  the steps: rules, opening and publishing a month, 批示, 合报, proposals,
             attaching the 通报 to an issue
printing.py  the 通报 through the bulletin's print pipeline; excel.py its .xlsx;
             charts.py the SVG charts; access.py who sees what
"""
