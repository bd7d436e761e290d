"""Pure rules of accounts (no database)."""

# GB 32100-2015: the unified social credit code's 31 characters and the weights of its
# first 17 positions (3^i mod 31)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714-1997: the organisation code's 8 body characters' weights
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def normalize_credit_code(code: str) -> str:
    return (code or "").strip().upper()


def uscc_check_char(body: str) -> str:
    """GB 32100-2015: the 18th character of a code whose first 17 are `body`."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_check_char(body: str) -> str:
    """GB 11714-1997: the 9th character of an organisation code whose first 8 are `body`
    (digits 0–9, letters A–Z valued 10–35)."""
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_credit_code(code: str) -> bool:
    """R-9.1: 18 characters of the code's alphabet, a correct check character, and the
    embedded organisation code (characters 9–17) with its own correct check character."""
    code = normalize_credit_code(code)
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    if uscc_check_char(code[:17]) != code[17]:
        return False
    org = code[8:17]
    return org_check_char(org[:8]) == org[8]


# what anyone who may edit an account changes in its profile
PROFILE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "region",
        "address",
        "organisation",
        "assets",
        "liabilities",
        "credit_standing",
        "trade_position",
        "trading_habits",
        "payment_habits",
    }
)
# the credit limit and its review are the manager's (a salesperson never raises the
# limit of their own account)
CREDIT_FIELDS = frozenset({"credit_limit", "last_credit_review"})


def editable_fields(*, owner: bool, deputy: bool, manager: bool) -> frozenset[str]:
    """R-9.1, R-9.4, R-9.5: the profile for the owner, the deputy and the branch's manager;
    the deputy for the owner and the manager; the credit fields for the manager only."""
    fields: set[str] = set()
    if owner or deputy or manager:
        fields |= PROFILE_FIELDS
    if owner or manager:
        fields.add("deputy")
    if manager:
        fields |= CREDIT_FIELDS
    return frozenset(fields)


GRADES = ("A", "B", "C")


def grade_set_at_once(*, manages: bool, party: bool) -> bool:
    """R-9.3, R-8.1: the manager sets a grade; a manager who owns or deputises the account
    proposes like a salesperson (nobody decides their own)."""
    return manages and not party
