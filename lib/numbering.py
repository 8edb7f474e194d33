"""Chinese numerals as used in section markers (一、 十一、 二十、)."""

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    if not 1 <= n <= 99:
        raise ValueError(f"section number out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}"


def parse_chinese_numeral(text: str) -> int:
    """Inverse of chinese_numeral; raises ValueError on anything else."""
    if not text or any(ch not in DIGITS + "十" for ch in text) or "零" in text:
        raise ValueError(text)
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return DIGITS.index(text)
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1:
        raise ValueError(text)
    tens = DIGITS.index(head) if head else 1
    if tens == 1 and head:
        raise ValueError(text)
    return tens * 10 + (DIGITS.index(tail) if tail else 0)
