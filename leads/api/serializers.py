"""Customers in the API (R-1), with what of each one the reader may see (API.md, visibility).

The fields here that scope input to the requester (`VisibleOfficeField`,
`VisibleCustomerField`, `PhoneField`) are shared by the reception API.
"""

from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attribution.visibility import phone_for, sees_in_full
from staff.models import Office
from staff.permissions import offices_of
from staff.selectors import offices_visible_to

from ..models import Customer
from ..rules import mask_name, normalize_phone
from ..selectors import channels_active, customers_visible_to

RAW_PHONE_MAX = 32  # what a person may type; normalized it fits Customer.phone (15)


class PhoneField(serializers.CharField):
    """A phone as typed; validated and normalized by R-1.1 (`138 0013 8000` → `13800138000`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", RAW_PHONE_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text and self.allow_blank:
            return ""
        try:
            return normalize_phone(text)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class VisibleOfficeField(serializers.PrimaryKeyRelatedField):
    """An office the requester can see; any other is "unknown" (its existence not revealed)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Office.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return offices_visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        """One of the requester's offices, as read once per request (`offices_of`, which the
        role check has usually read already); anything else, and its error, as usual."""
        if type(data) is int:
            for office in offices_of(self.context["request"].user):
                if office.pk == data:
                    return office
        return super().to_internal_value(data)


class VisibleCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer of the requester's offices."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Customer.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return customers_visible_to(self.context["request"].user)


class ChannelField(serializers.SlugRelatedField):
    def to_internal_value(self, data):
        if "\x00" in str(data):  # PostgreSQL text holds no NUL: no channel has one
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return super().to_internal_value(data)


def channel_field(**kwargs) -> serializers.SlugRelatedField:
    """A source channel by its `code` (R-1.2); retired channels are refused."""
    return ChannelField(slug_field="code", queryset=channels_active(), **kwargs)


# ---------------------------------------------------------------- input


class CustomerFilterSerializer(serializers.Serializer):
    phone = PhoneField(required=False, allow_blank=True, help_text=_("Exact phone (normalized)."))
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text=_("Name or part of a phone.")
    )


class CustomerRegisterSerializer(serializers.Serializer):
    """R-1.3: a salesperson registers a customer met on the phone or outside."""

    office = VisibleOfficeField()
    phone = PhoneField()
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    source_channel = channel_field()


# ---------------------------------------------------------------- output


class CustomerClaimSerializer(serializers.Serializer):
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="active, released, deal")
    protected_until = serializers.DateTimeField()

    def get_owner_name(self, claim) -> str:
        return str(claim.owner)


class CustomerSerializer(serializers.ModelSerializer):
    """`{id, office, name, phone, source_channel, household, registered_at, claim}`.

    The reader's context carries `claims` (household id → attribution.selectors.ShownClaim,
    fetched in bulk by claims_shown): the household's active or deal claim, or else its last
    released one (status `released`).
    Of a customer the reader may not see in full, only the office, the masked phone and name,
    and the claim (whose, until when) are shown; the other fields are null. A released claim
    no longer makes its former owner see the customer in full.
    """

    source_channel = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    household = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    registered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    claim = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "office",
            "name",
            "phone",
            "source_channel",
            "household",
            "registered_at",
            "claim",
        ]
        read_only_fields = fields

    def _claim(self, customer):
        return self.context.get("claims", {}).get(customer.household_id)

    @cached_property
    def _claim_serializer(self) -> CustomerClaimSerializer:
        """One for the whole list: a new serializer per row was a third of a page's time."""
        return CustomerClaimSerializer(context=self.context)

    @extend_schema_field(CustomerClaimSerializer(allow_null=True))
    def get_claim(self, customer):
        claim = self._claim(customer)
        return self._claim_serializer.to_representation(claim) if claim is not None else None

    def to_representation(self, customer):
        data = super().to_representation(customer)
        user = self.context["request"].user
        shown = self._claim(customer)
        claim = shown.holding if shown is not None else None
        if not sees_in_full(user, claim):
            data.update(
                phone=phone_for(user, customer.phone, claim),
                name=mask_name(customer.name),
                source_channel=None,
                household=None,
                registered_at=None,
            )
        return data
