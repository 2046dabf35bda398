"""Background work of the plans app (Django's tasks framework, database backend)."""

from django.tasks import task

from pcmd.plans.importing import plan_import_run


@task
def plan_import_task(job_id: str) -> None:
    """Read an uploaded plan and save its draft; see plan_import_run."""
    plan_import_run(job_id)
