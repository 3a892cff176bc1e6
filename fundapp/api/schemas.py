"""Request and response bodies of the API (SPEC section 7's field names). Every value is bounded as it
enters, by the parsers of fundapp.inputs and fundapp.money: text without control characters, whole
numbers within the database's integers, dates from 1900 to ten years ahead, amounts of at most
fifteen whole digits."""
from flask import g
from marshmallow import EXCLUDE, ValidationError, fields, pre_load, validate
from marshmallow import Schema as MarshmallowSchema

from fundapp import inputs
from fundapp.applications.workflow import LISTED
from fundapp.auth.constants import ROLES
from fundapp.errors import input_message
from fundapp.funds.constants import LANGUAGES, PARTNER_KINDS, SECTORS
from fundapp.ledger.constants import CALL_PURPOSES, EXPENSE_CATEGORIES, REVERSIBLE_KINDS
from fundapp.money import to_major
from fundapp.portfolio.constants import EXIT_KINDS, INSTRUMENTS

AMOUNT = validate.Regexp(r"^\d{1,15}(\.\d{1,6})?$",
                         error="Give an amount in major units as a string, e.g. \"1250000.00\".")


def _texts(data, path: str = ""):
    """Every string of a request body or query (keys too), with where it stands."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict) or hasattr(data, "keys"):
        for key in data.keys():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _texts(data[key], where)
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            yield from _texts(item, f"{path}.{index}" if path else str(index))


class Schema(MarshmallowSchema):
    """Every body and query of the API: a control character in any text is refused on its field."""

    @pre_load
    def _plain_text(self, data, **_kwargs):
        problems = {where.split(".")[0]: input_message("control_character")
                    for where, text in _texts(data) if inputs.control_character(text)}
        if problems:
            raise ValidationError(problems)
        return data


class Integer(fields.Integer):
    """A whole number within the database's integers, or within the range given."""

    def __init__(self, *, minimum: int = -inputs.MAX_ID, maximum: int = inputs.MAX_ID, **kwargs):
        super().__init__(validate=validate.Range(min=minimum, max=maximum), **kwargs)


def Id(**kwargs) -> Integer:  # noqa: N802  (a field, named like one)
    """The id of an object: a positive database integer."""
    return Integer(minimum=1, **kwargs)


class Date(fields.Date):
    """A date from 1900 to ten years ahead."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        try:
            return inputs.bounded_date(day)
        except inputs.InputError as error:
            raise ValidationError(input_message(str(error))) from None


class Money(fields.String):
    """An amount as a string in major units with the currency's decimals ("1250000.00" KES, "1250000" XOF,
    "12.500" JOD). Read as text, which the use case parses in the fund's currency (fundapp.money); written
    from integer minor units, in the currency of the object written (a fund) or of the request's fund."""

    def __init__(self, **kwargs):
        super().__init__(validate=AMOUNT, metadata={"example": "1250000.00"}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        currency = obj.get("currency") if isinstance(obj, dict) else getattr(obj, "currency", None)
        return to_major(value, currency or g.currency)


class Fraction(fields.String):
    """A fraction written with four decimals ("0.1500"), as ownership is."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value:.4f}"


class ErrorDetailSchema(Schema):
    code = fields.String()
    message = fields.String()
    field_messages = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields")


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema)


class TokenRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    name = fields.String(load_default="API", validate=validate.Length(max=100))
    code = fields.String(load_only=True, validate=validate.Length(max=64), metadata={
        "description": "Required of an account holding a second factor: the code its authenticator app "
                       "shows, or one of its recovery codes."})
    expires_in_days = fields.Integer(load_default=None, allow_none=True,
                                     validate=validate.Range(min=1, max=365),
                                     metadata={"description": "Days the token works; omit for no expiry."})


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    token = fields.String(metadata={"description": "Shown once; send as 'Authorization: Bearer …'."})
    expires_at = fields.DateTime(allow_none=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(load_only=True, validate=validate.Length(max=256),
                             metadata={"description": "Omit to invite the user by activation link."})
    language = fields.String(load_default="en", validate=validate.OneOf(list(LANGUAGES)))
    is_admin = fields.Boolean(load_default=False)
    account_type = fields.String(dump_only=True)
    active = fields.Boolean(dump_only=True)
    second_factor = fields.Boolean(dump_only=True,
                                   metadata={"description": "Whether it holds a second factor."})
    email_confirmed = fields.Boolean(dump_only=True)
    activation_link = fields.String(dump_only=True)


class AccountStateSchema(Schema):
    active = fields.Boolean(required=True)


class CountrySchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(equal=2),
                         metadata={"description": "ISO 3166 alpha-2"})
    name = fields.String(load_default="", validate=validate.Length(max=100))


class GrantSchema(Schema):
    id = fields.Integer(dump_only=True)
    fund_id = fields.Integer(dump_only=True)
    user_id = Id(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    partner_id = Id(allow_none=True, load_default=None)


class FundSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(required=True, validate=validate.Length(equal=2),
                            metadata={"description": "ISO 3166 alpha-2"})
    currency = fields.String(required=True, validate=validate.Length(equal=3),
                             metadata={"description": "ISO 4217"})
    language = fields.String(required=True, validate=validate.OneOf(list(LANGUAGES)))
    vintage_year = fields.Integer(required=True, validate=validate.Range(min=1990, max=2100))
    target_size = Money(required=True)
    min_ticket = Money(required=True)
    max_ticket = Money(required=True)
    sectors = fields.List(fields.String(), load_default=list)
    employee_cap = fields.Integer(required=True, validate=validate.Range(min=1, max=10**9))
    match_target = fields.Float(required=True, allow_nan=False,
                                validate=validate.Range(min=0, max=1000))
    open_for_applications = fields.Boolean(load_default=False)
    blind_review = fields.Boolean(load_default=False)
    committee_quorum = fields.Integer(load_default=None, allow_none=True,
                                      validate=validate.Range(min=1, max=100),
                                      metadata={"description": "Votes needed before a decision; null: a "
                                                               "majority of the members not recused"})
    payment_instructions = fields.String(
        load_default="", validate=validate.Length(max=inputs.MAX_INSTRUCTIONS),
        metadata={"description": "Bank, account name, account number or IBAN: printed on call notices"})
    contact_email = fields.String(load_default="", validate=validate.Length(max=254))
    approval_message = fields.String(load_default="", validate=validate.Length(max=inputs.MAX_MESSAGE))
    decline_message = fields.String(load_default="", validate=validate.Length(max=inputs.MAX_MESSAGE))


class PartnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(list(PARTNER_KINDS)))
    commitment = Money(required=True)


class AllocationSchema(Schema):
    partner_id = fields.Integer()
    amount = Money(dump_only=True)


class CapitalCallSchema(Schema):
    id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True, metadata={"description": "1, 2, 3… within the fund"})
    call_date = Date(required=True)
    due_date = Date(required=True)
    amount = Money(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(list(CALL_PURPOSES)))
    allocations = fields.List(fields.Nested(AllocationSchema), dump_only=True)


class PaymentSchema(Schema):
    id = fields.Integer(dump_only=True)
    partner_id = Id(required=True)
    date = Date(required=True)
    amount = Money(required=True)


class DistributionSchema(Schema):
    id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True, metadata={"description": "1, 2, 3… within the fund"})
    date = Date(required=True)
    amount = Money(required=True)
    allocations = fields.List(fields.Nested(AllocationSchema), dump_only=True)


class ExpenseSchema(Schema):
    id = fields.Integer(dump_only=True)
    date = Date(required=True)
    amount = Money(required=True)
    category = fields.String(required=True, validate=validate.OneOf(list(EXPENSE_CATEGORIES)))
    description = fields.String(load_default="", validate=validate.Length(max=200))


class CompanySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    registration_number = fields.String(load_default="", validate=validate.Length(max=100))
    country = fields.String(required=True, validate=validate.Length(equal=2))
    region = fields.String(load_default="", validate=validate.Length(max=100))
    sector = fields.String(required=True, validate=validate.OneOf(list(SECTORS)))
    founded_on = Date(allow_none=True, load_default=None)
    website = fields.String(load_default="", validate=validate.Length(max=300))
    fund_id = Id(load_only=True, load_default=None,
                 metadata={"description": "The fund registering it (managers)."})


class InvestmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = Id(required=True)
    date = Date(required=True)
    amount = Money(required=True)
    instrument = fields.String(required=True, validate=validate.OneOf(list(INSTRUMENTS)))
    ownership = Fraction(required=True, validate=validate.Regexp(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$"),
                         metadata={"example": "0.1500"})
    pre_money_valuation = Money(allow_none=True, load_default=None)


class ValuationSchema(Schema):
    id = fields.Integer(dump_only=True)
    date = Date(required=True)
    fair_value = Money(required=True)


class ExitSchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = Id(required=True)
    date = Date(required=True)
    proceeds = Money(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(EXIT_KINDS)))


class MetricsQuerySchema(Schema):
    as_of = Date(load_default=None)


class PartnerMetricsSchema(Schema):
    partner_id = fields.Integer()
    paid_in = Money(dump_only=True)
    distributed = Money(dump_only=True)
    nav_share = Money(dump_only=True)
    dpi = fields.Float(allow_none=True)
    rvpi = fields.Float(allow_none=True)
    tvpi = fields.Float(allow_none=True)
    irr = fields.Float(allow_none=True)


class StatementQuerySchema(Schema):
    as_of = Date(load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf", "csv"]))


class StatementCallSchema(Schema):
    number = fields.Integer()
    call_date = fields.Date()
    due_date = fields.Date()
    amount = Money(dump_only=True)                  # the partner's share of the call
    paid = Money(dump_only=True)
    outstanding = Money(dump_only=True)
    overdue = Money(dump_only=True)                 # what is still owed after the due date


class StatementDistributionSchema(Schema):
    number = fields.Integer()
    date = fields.Date()
    amount = Money(dump_only=True)


class NextDueSchema(Schema):
    number = fields.Integer()
    due_date = fields.Date()
    amount = Money(dump_only=True)


class StatementSchema(Schema):
    as_of = fields.Date()
    partner_id = fields.Integer()
    commitment = Money(dump_only=True)
    called = Money(dump_only=True)
    paid_in = Money(dump_only=True)
    unfunded = Money(dump_only=True)
    outstanding = Money(dump_only=True)             # called and not yet paid
    overdue = Money(dump_only=True)
    overdue_since = fields.Date(allow_none=True, metadata={"description": "The due date of the oldest call "
                                                                         "still owed after it"})
    next_due = fields.Nested(NextDueSchema, allow_none=True)
    distributed = Money(dump_only=True)
    nav_share = Money(dump_only=True)
    tvpi = fields.Float(allow_none=True)
    irr = fields.Float(allow_none=True)
    calls = fields.List(fields.Nested(StatementCallSchema))
    distributions = fields.List(fields.Nested(StatementDistributionSchema))


class CompanyMetricsSchema(Schema):
    company_id = fields.Integer()
    cost = Money(dump_only=True)
    fair_value = Money(dump_only=True)
    proceeds = Money(dump_only=True)
    moic = fields.Float(allow_none=True)
    gross_irr = fields.Float(allow_none=True)


class MetricsSchema(Schema):
    as_of = fields.Date()
    committed = Money(dump_only=True)
    called = Money(dump_only=True)
    unfunded = Money(dump_only=True)
    paid_in = Money(dump_only=True)
    distributed = Money(dump_only=True)
    invested = Money(dump_only=True)
    expenses = Money(dump_only=True)
    cash = Money(dump_only=True)
    nav = Money(dump_only=True)
    dpi = fields.Float(allow_none=True)
    rvpi = fields.Float(allow_none=True)
    tvpi = fields.Float(allow_none=True)
    net_irr = fields.Float(allow_none=True)
    private_to_public = fields.Float(allow_none=True)
    match_target = fields.Float()
    partners = fields.List(fields.Nested(PartnerMetricsSchema))
    companies = fields.List(fields.Nested(CompanyMetricsSchema))


class ReversalSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(REVERSIBLE_KINDS)))
    entry_id = Id(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why the entry is reversed: kept in the audit log"})
    reversal_id = fields.Integer(dump_only=True)


class ApplicationSchema(Schema):
    id = fields.Integer(dump_only=True)
    fund_id = fields.Integer(dump_only=True)
    company_id = Id(required=True)
    state = fields.String(dump_only=True)
    requested_amount = Money(allow_none=True, load_default=None)
    stage = fields.String(load_default="", validate=validate.OneOf(["", "idea", "pre_seed", "seed",
                                                                     "series_a", "growth"]))
    pitch = fields.String(load_default="", validate=validate.Length(max=200))
    problem = fields.String(load_default="", validate=validate.Length(max=5000))
    solution = fields.String(load_default="", validate=validate.Length(max=5000))
    market = fields.String(load_default="", validate=validate.Length(max=5000))
    business_model = fields.String(load_default="", validate=validate.Length(max=5000))
    traction = fields.String(load_default="", validate=validate.Length(max=5000))
    team = fields.String(load_default="", validate=validate.Length(max=5000))
    use_of_funds = fields.String(load_default="", validate=validate.Length(max=5000))
    full_time = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10**6))
    part_time = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10**6))
    jobs_expected = fields.Integer(allow_none=True, load_default=None,
                                   validate=validate.Range(min=0, max=10**6))
    score = fields.Float(dump_only=True, allow_none=True)
    normalized_score = fields.Float(dump_only=True, allow_none=True)
    disagreement = fields.Float(dump_only=True, allow_none=True)
    failing_criteria = fields.List(fields.Integer(), dump_only=True)
    matched = fields.List(fields.String(), dump_only=True,
                          metadata={"description": "In a search: the words found, as written"})
    excerpt = fields.String(dump_only=True, metadata={"description": "In a search: where they were found"})
    possible_duplicates = fields.List(fields.Integer(), dump_only=True,
                                      metadata={"description": "In a list: the ids of possible duplicates"})


class DuplicateSchema(Schema):
    application_id = fields.Integer()
    fund_id = fields.Integer()
    fund_name = fields.String()
    company_name = fields.String()
    state = fields.String()
    same_company = fields.Boolean()
    same_registration = fields.Boolean()
    similarity = fields.Integer(allow_none=True, metadata={
        "description": "How alike the pitch and problem are, 0 to 100, when near-identical"})


class ApplicationEditSchema(ApplicationSchema):
    """The fields of a draft a founder may change (its company stays)."""

    class Meta:
        exclude = ("company_id",)


class ApplicationListQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200), metadata={
        "description": "Words to find (English and French stems, any case or accents) in the company's name "
                       "and registration number and the texts"})
    state = fields.String(load_default="", validate=validate.OneOf(["", *LISTED]))
    sector = fields.String(load_default="", validate=validate.Length(max=30))
    region = fields.String(load_default="", validate=validate.Length(max=100))
    flag = fields.String(load_default="", validate=validate.OneOf(
        ["", "disagreement", "failing", "unreviewed", "overdue"]))
    sort = fields.String(load_default=None, validate=validate.OneOf(
        ["relevance", "normalized", "score", "newest", "oldest", "amount"]),
        metadata={"description": "relevance when q is given, else normalized"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DeckSchema(Schema):
    deck = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class SheetSchema(Schema):
    sheet = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportedSchema(Schema):
    imported = fields.Integer(dump_only=True)


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.Length(max=20))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "Internal: never shown to the founder"})
    message = fields.String(load_default="", validate=validate.Length(max=inputs.MAX_MESSAGE),
                            metadata={"description": "What the founder is told; required for a decision"})
    justification = fields.String(load_default="", validate=validate.Length(max=2000),
                                  metadata={"description": "Required for a decision against the majority of "
                                                           "the committee's votes; kept in the minutes"})


class VoteSchema(Schema):
    member_id = fields.Integer(dump_only=True)
    member = fields.String(dump_only=True)
    conflict = fields.Boolean(dump_only=True)
    conflict_reason = fields.String(dump_only=True)
    vote = fields.String(required=True, allow_none=True,
                         validate=validate.OneOf(["approve", "decline", "abstain"]))
    comment = fields.String(required=True, validate=validate.Length(max=2000))
    voted_at = fields.DateTime(dump_only=True, allow_none=True)


class AssignmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    reviewer_id = Id(required=True)
    due_date = Date(allow_none=True, load_default=None)


class ConflictSchema(Schema):
    conflict = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "Why: required with a conflict; managers read it"})


class WithdrawalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "Why the founder withdraws (the fund reads it)"})


class FundMessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    subject = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class RevisionSchema(Schema):
    number = fields.Integer(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True)
    changed = fields.List(fields.String(), dump_only=True,
                          metadata={"description": "The fields changed since the revision before"})


class ReviewSchema(Schema):
    id = fields.Integer(dump_only=True)
    reviewer_id = fields.Integer(dump_only=True)
    scores = fields.Dict(keys=fields.String(), values=Integer(allow_none=True), required=True)
    recommendation = fields.String(required=True, validate=validate.OneOf(["invest", "maybe", "decline"]))
    comment = fields.String(load_default="", validate=validate.Length(max=5000))
    score = fields.Float(dump_only=True, allow_none=True)


class CriterionSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    guidance = fields.String(load_default="", validate=validate.Length(max=2000))
    weight = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False,
                                                                                  max=1000))
    scale_min = fields.Integer(load_default=1, validate=validate.Range(min=-1000, max=1000))
    scale_max = fields.Integer(load_default=5, validate=validate.Range(min=-1000, max=1000))
    minimum = fields.Float(allow_none=True, load_default=None, allow_nan=False)
    allow_na = fields.Boolean(load_default=True)


class HeadcountSchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    period = fields.String(required=True, metadata={"example": "2026Q3"})
    full_time = Integer(required=True, strict=True, minimum=0)
    part_time = Integer(required=True, strict=True, minimum=0)
    women = Integer(required=True, strict=True, minimum=0)
    under_35 = Integer(required=True, strict=True, minimum=0)
    nationals = Integer(required=True, strict=True, minimum=0)
    verified = fields.Boolean(load_default=False, metadata={"description": "Managers only."})
    fte = fields.Float(dump_only=True)


class CompanyJobsSchema(Schema):
    company_id = fields.Integer()
    name = fields.String()
    sector = fields.String()
    region = fields.String()
    first_investment = fields.Date()
    baseline_fte = fields.Float()
    current_fte = fields.Float()
    net_created = fields.Float()
    attributed = fields.Float()
    current_period = fields.String(allow_none=True)
    verified = fields.Boolean()
    status = fields.String()


class JobsSchema(Schema):
    as_of = fields.Date()
    baseline_fte = fields.Float()
    current_fte = fields.Float()
    net_created = fields.Float()
    gross_created = fields.Float()
    lost = fields.Float()
    maintained = fields.Float()
    attributed = fields.Float()
    cost_per_job = Money(allow_none=True, dump_only=True)
    public_cost_per_job = Money(allow_none=True, dump_only=True)
    women_share = fields.Float(allow_none=True)
    under_35_share = fields.Float(allow_none=True)
    nationals_share = fields.Float(allow_none=True)
    verified_share = fields.Float(allow_none=True)
    companies = fields.List(fields.Nested(CompanyJobsSchema))


class ReportRequestSchema(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1990, max=9999))
    quarter = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=4))
    note = fields.String(load_default="", validate=validate.Length(max=2000),
                         metadata={"description": "What a new version of a published report corrects."})


class ReportSchema(Schema):
    id = fields.Integer()
    fund_id = fields.Integer()
    year = fields.Integer()
    quarter = fields.Integer()
    version = fields.Integer()
    state = fields.String(metadata={"enum": ["draft", "published"]})
    sha256 = fields.String(allow_none=True)
    note = fields.String()
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    superseded_by = fields.Integer(allow_none=True)


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationQuerySchema(PageQuerySchema):
    unread = fields.Boolean(load_default=False)


class NotificationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    link = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    read_at = fields.DateTime(dump_only=True, allow_none=True)


class OutboxQuerySchema(PageQuerySchema):
    status = fields.String(load_default="", validate=validate.OneOf(["", "pending", "sent", "failed"]))


class OutboxMessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    recipient = fields.String(dump_only=True)
    subject = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    tries = fields.Integer(dump_only=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    next_attempt_at = fields.DateTime(dump_only=True, allow_none=True)
    sent_at = fields.DateTime(dump_only=True, allow_none=True)


class ReminderSettingsSchema(Schema):
    class Meta:
        unknown = EXCLUDE       # what a GET gave may be sent back whole: only muted is read

    received = fields.List(fields.String(), dump_only=True)     # every reminder one's roles bring
    optional = fields.List(fields.String(), dump_only=True)     # those one may turn off
    muted = fields.List(fields.String(validate=validate.Length(max=30)), required=True,
                        validate=validate.Length(max=20))


class CandidateSchema(Schema):
    """A reviewer of the fund facing the application (fundapp.applications.suggestions)."""

    reviewer_id = fields.Integer()
    name = fields.String()
    score = fields.Integer(metadata={"description": "The ranking's points (see rule)"})
    sector_declared = fields.Boolean(metadata={"description": "The application's sector is among its own"})
    matched_keywords = fields.List(fields.String(), metadata={
        "description": "Its declared keywords found in the application's texts"})
    past_reviews = fields.Integer(metadata={"description": "Its reviews of applications of this sector"})
    open_reviews = fields.Integer(metadata={"description": "The reviews it owes this fund"})
    declared_sectors = fields.List(fields.String())
    declared_keywords = fields.List(fields.String())
    reasons = fields.List(fields.String(), metadata={"description": "Where its points come from, in words"})
    conflicts = fields.List(fields.String(), metadata={"description": "Why it is left out, in words"})


class ReviewerSuggestionsSchema(Schema):
    application_id = fields.Integer()
    suggested = fields.List(fields.Nested(CandidateSchema), metadata={"description": "Ranked, best first"})
    assigned = fields.List(fields.Nested(CandidateSchema), metadata={"description": "Assigned already"})
    left_out = fields.List(fields.Nested(CandidateSchema), metadata={
        "description": "With a conflict the data shows: never assigned"})
    rule = fields.String(metadata={"description": "How the points are counted, in words"})


class ExpertiseSchema(Schema):
    """What one knows, which the suggestions of reviewers read; a PUT replaces both."""

    sectors = fields.List(fields.String(validate=validate.Length(max=30)), required=True,
                          validate=validate.Length(max=len(SECTORS)),
                          metadata={"description": "Sector codes, as a fund's sectors"})
    keywords = fields.List(fields.String(validate=validate.Length(max=300)), required=True,
                           validate=validate.Length(max=100),
                           metadata={"description": "At most 20, of 40 characters each, 300 in all"})
