"""``{{ person|shown_name:user }}``: a person's name, or "an expert from <country>" for a
withdrawn person and a reader who is neither staff nor that person."""

from django import template

from kenesh.people import display

register = template.Library()


@register.filter
def shown_name(person, viewer):
    return display.shown_name(person, viewer)


@register.filter
def shown_name_latin(person, viewer):
    return display.shown_name(person, viewer, latin=True)


@register.filter
def name_hidden_from(person, viewer):
    return display.name_hidden_from(person, viewer)


@register.filter
def shown_user(account, viewer):
    return display.shown_user(account, viewer)
