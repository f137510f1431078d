from django import template
from django.template import Context
from django.utils.safestring import SafeString

from relais.directory.panels import ListingPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def listing_panel(context: Context, panel: ListingPanel) -> SafeString:
    """A registered panel, rendered as `{% include %}` would render its template."""
    template_name, panel_context = panel
    # A tag is rendered inside a template, so the context always has one.
    assert context.template is not None
    panel_template = context.template.engine.get_template(template_name)
    with context.push(panel_context):
        return panel_template.render(context)
