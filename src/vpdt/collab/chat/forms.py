"""The forms of the chat screens: the people offered are current members of the person's agency."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vpdt.directory import members as directory


def _colleagues(user, agency_id):
    return directory.members(agency_id).exclude(pk=user.pk).order_by("full_name", "pk")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class DirectForm(forms.Form):
    person = PersonField(label=_("Trò chuyện với"), queryset=None, widget=forms.Select(attrs={"data-searchable": ""}))

    def __init__(self, user, agency_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _colleagues(user, agency_id)
        self.fields["person"].widget.attrs["class"] = "form-select"


class GroupForm(forms.Form):
    title = forms.CharField(
        label=_("Tên nhóm"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    members = PeopleField(
        label=_("Thành viên"), queryset=None, widget=forms.SelectMultiple(attrs={"class": "form-select"})
    )

    def __init__(self, user, agency_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _colleagues(user, agency_id)


class AddMembersForm(forms.Form):
    members = PeopleField(
        label=_("Thêm thành viên"), queryset=None, widget=forms.SelectMultiple(attrs={"class": "form-select"})
    )

    def __init__(self, user, conversation, current_ids, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _colleagues(user, conversation.agency_id).exclude(pk__in=current_ids)
