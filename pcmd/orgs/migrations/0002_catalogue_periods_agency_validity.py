"""Coordinator flag per name and period; names per unit kind; agency validity and folded names."""

import unicodedata

from django.db import migrations, models


def _fold(value: str) -> str:
    # A frozen copy of pcmd.core.text.fold, so this migration keeps working if fold changes.
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def fill_name_folded(apps, schema_editor):
    Agency = apps.get_model("orgs", "Agency")
    for agency in Agency.objects.all().only("pk", "name"):
        Agency.objects.filter(pk=agency.pk).update(name_folded=_fold(agency.name))


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="agencytype", name="is_coordinator"),
        migrations.AlterField(
            model_name="agencytype",
            name="is_requested_body",
            field=models.BooleanField(default=False, verbose_name="cơ quan được đề nghị"),
        ),
        migrations.AlterModelOptions(
            name="agencytypename",
            options={
                "ordering": ["agency_type", "level", "valid_from"],
                "verbose_name": "tên loại cơ quan theo cấp",
                "verbose_name_plural": "tên loại cơ quan theo cấp",
            },
        ),
        migrations.AlterModelOptions(
            name="agencyalias",
            options={"verbose_name": "tên gọi khác", "verbose_name_plural": "tên gọi khác"},
        ),
        migrations.AlterField(
            model_name="agencytypename",
            name="level",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Trung ương"), (1, "Tỉnh"), (2, "Huyện"), (3, "Xã")], verbose_name="cấp"
            ),
        ),
        migrations.AlterField(
            model_name="agencytypename",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="hiệu lực từ"),
        ),
        migrations.AlterField(
            model_name="agencytypename",
            name="valid_to",
            field=models.DateField(blank=True, null=True, verbose_name="hiệu lực đến"),
        ),
        migrations.AddField(
            model_name="agencytypename",
            name="is_coordinator",
            field=models.BooleanField(default=False, verbose_name="cơ quan thường trực"),
        ),
        migrations.AddField(
            model_name="agencytypename",
            name="is_standard",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="agencytypename",
            name="unit_kinds",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="agencytypename",
            name="pattern",
            field=models.CharField(default="{name} {unit}", max_length=200),
        ),
        migrations.AlterField(
            model_name="agencyalias",
            name="level",
            field=models.PositiveSmallIntegerField(
                blank=True, choices=[(0, "Trung ương"), (1, "Tỉnh"), (2, "Huyện"), (3, "Xã")], null=True
            ),
        ),
        migrations.AddField(
            model_name="agencyalias",
            name="is_sector",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="agencyalias",
            name="from_catalogue",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="agency",
            name="name_folded",
            field=models.CharField(db_index=True, default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agency",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="hoạt động từ"),
        ),
        migrations.AddField(
            model_name="agency",
            name="valid_to",
            field=models.DateField(blank=True, null=True, verbose_name="hoạt động đến"),
        ),
        migrations.RunPython(fill_name_folded, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="agency", name="orgs_agency_unit_name_unique"),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.UniqueConstraint(
                fields=("unit", "name_folded"), name="orgs_agency_unit_name_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_from__isnull", True), ("valid_to__isnull", True),
                                   ("valid_from__lte", models.F("valid_to")), _connector="OR"),
                name="orgs_agency_validity_ordered",
            ),
        ),
    ]
