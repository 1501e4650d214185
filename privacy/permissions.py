"""Every permission the product checks, named once; roles, views and admins import them here.

The app labels are where the permissions were first declared (``integrations``, ``dashboard``),
so that groups and users of existing deployments keep them.
"""

VIEW_CONTACT_DETAILS = "integrations.view_contact_details"
EXPORT_CSV = "integrations.export_csv"
VIEW_AUDIT_LOG = "integrations.view_auditentry"
ERASE_CUSTOMER = "integrations.erase_customer"
VIEW_EVENTS = "integrations.view_webhookevent"
PROCESS_EVENTS = "integrations.process_webhookevent"
VIEW_ENDPOINTS = "integrations.view_webhookendpoint"
ADD_ENDPOINTS = "integrations.add_webhookendpoint"
CHANGE_ENDPOINTS = "integrations.change_webhookendpoint"
VIEW_WORKFLOWS = "integrations.view_workflow"
VIEW_DASHBOARD = "dashboard.view_dashboard"
VIEW_CALLS = "calls_app.view_callresult"
VIEW_SESSIONS = "sessions_app.view_chatsession"


def view_permission(model) -> str:
    """The view permission of ``model`` (a class or an instance), as ``has_perm`` takes it."""
    opts = model._meta
    return f"{opts.app_label}.view_{opts.model_name}"


# Collections (collections_app): the outcome vocabulary, promises, number health, comparisons.
VIEW_OUTCOMES = "collections_app.view_outcome"
CHANGE_OUTCOMES = "collections_app.change_outcome"
COMPARE_WORKFLOWS = VIEW_DASHBOARD  # the comparison is a page of the dashboard
VIEW_PROMISES = "collections_app.view_promise"
VIEW_NUMBERS = "collections_app.view_numberhealth"
