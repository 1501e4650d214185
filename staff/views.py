from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from .forms import TimeZoneForm
from .middleware import SESSION_KEY
from .services import staff_time_zone, staff_time_zone_set


@login_required
def settings_view(request):
    """The signed-in user's own settings: today, the time zone every page is shown in."""
    form = TimeZoneForm(request.POST or None, initial={"time_zone": staff_time_zone(request.user)})
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]
        staff_time_zone_set(user=request.user, time_zone=zone)
        request.session[SESSION_KEY] = zone
        messages.success(request, f"Times are now shown in {zone or 'the site time zone'}.")
        return redirect("staff:settings")
    context = {
        **admin.site.each_context(request),
        "title": "Your settings",
        "form": form,
        "site_zone": timezone.get_default_timezone_name(),
    }
    return render(request, "staff/settings.html", context, status=400 if form.errors else 200)
