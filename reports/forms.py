"""Forms of the work diary pages (R-7.1)."""

from django import forms

from .models import WorkDiary

TEXT_LIMIT = 5000


class DayForm(forms.Form):
    """`?date=`: the office-local day shown (today when absent or bad)."""

    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DiaryForm(forms.ModelForm):
    """The salesperson's own words: the customers' feedback and the problems met."""

    class Meta:
        model = WorkDiary
        fields = ["feedback", "problems"]
        widgets = {
            "feedback": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT}),
            "problems": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
        }


class ReplyForm(forms.ModelForm):
    """The manager's reply to one diary."""

    class Meta:
        model = WorkDiary
        fields = ["manager_reply"]
        widgets = {"manager_reply": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_LIMIT})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager_reply"].required = True
