"""Posting the owners' edit form as a browser would."""

from django.urls import reverse


def edit_form_data(client, organization, **changes):
    """The edit form as it stands for this owner, with `changes` applied."""
    response = client.get(
        reverse("verification:listing_edit", args=[organization.slug])
    )
    assert response.status_code == 200
    form, phones = response.context["form"], response.context["phones"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, False):
            continue
        data[name] = "on" if value is True else value
    for index, phone_form in enumerate(phones.forms):
        for name in ("number", "description", "professionals_only"):
            value = phone_form.initial.get(name)
            if value:
                data[f"phones-{index}-{name}"] = "on" if value is True else value
    data["phones-TOTAL_FORMS"] = str(len(phones.forms))
    data["phones-INITIAL_FORMS"] = str(phones.initial_form_count())
    for target in response.context["hours"]:
        formset = target["formset"]
        for index, row in enumerate(formset.forms):
            for name, value in row.initial.items():
                if value:
                    data[f"{formset.prefix}-{index}-{name}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
    data.update(changes)
    return data


def hours_prefix(record):
    """The prefix of the opening hours rows of a location or service."""
    return f"hours-{record.pk}"


def edit_post(client, organization, **changes):
    url = reverse("verification:listing_edit", args=[organization.slug])
    return client.post(url, edit_form_data(client, organization, **changes))
