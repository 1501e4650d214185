"""Masking customer details in templates: ``{% load privacy %}{{ value|phone_for:request.user }}``.

The value is shown as it is to users with ``integrations.view_contact_details`` and masked to
everyone else (see ``integrations.privacy``). Output stays escaped by the template.
"""

from django import template

from integrations.privacy import can_view_contact_details, mask_chat_content, mask_name, mask_phone

register = template.Library()


@register.filter
def phone_for(value, user):
    return value if can_view_contact_details(user) else mask_phone(value)


@register.filter
def name_for(value, user):
    return value if can_view_contact_details(user) else mask_name(value)


@register.filter
def chat_content_for(content, user):
    """A chat message's content with shared contacts masked for users who may not see them."""
    return content if can_view_contact_details(user) else mask_chat_content(content)


@register.simple_tag
def reveals_contact_details(user) -> bool:
    """``{% reveals_contact_details request.user as reveal %}`` for templates that mask in bulk."""
    return can_view_contact_details(user)
