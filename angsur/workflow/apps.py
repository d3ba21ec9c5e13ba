from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "angsur.workflow"
    label = "workflow"
    verbose_name = "Workflow engine"
