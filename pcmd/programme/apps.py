from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    """Running the programme: budget allocations and spending, commendations."""

    name = "pcmd.programme"
    label = "programme"

    def ready(self) -> None:
        from pcmd.programme.sources import register_all

        register_all()
