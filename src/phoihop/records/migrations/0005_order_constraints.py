"""The order of a record's own dates, kept by the database too (records.rules says it to the user):
leaving the union on or after joining, full party membership on or after admission, a class or a program
ending on or after its start. Rows written before these rules (the import did not check the orders) are
named first, so that an upgrade stops with a list to correct instead of a bare constraint error."""

from django.db import migrations, models
from django.db.models import F

# (model, the later date, the earlier date, how users name a row)
ORDERS = [
    ("Person", "union_left_on", "union_joined_on", "code"),
    ("Admission", "full_member_on", "admitted_on", "person__code"),
    ("TrainingClass", "ends_on", "starts_on", "code"),
    ("Program", "ends_on", "starts_on", "code"),
]


def refuse_rows_out_of_order(apps, schema_editor):
    problems = []
    for model_name, later, earlier, key in ORDERS:
        model = apps.get_model("records", model_name)
        rows = model._base_manager.filter(**{f"{later}__lt": F(earlier)})
        codes = list(rows.values_list(key, flat=True)[:20])
        if codes:
            problems.append(f"{model_name}: {later} < {earlier} ({rows.count()}): {', '.join(codes)}")
    if problems:
        raise RuntimeError(
            "Các hồ sơ sau có ngày sai thứ tự; hãy sửa (trang nhập liệu hoặc sổ dữ liệu) rồi chạy lại "
            "migrate / rows whose dates are out of order; correct them and run migrate again:\n"
            + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_trigram_search"),
        ("records", "0004_person_newest"),
    ]

    operations = [
        migrations.RunPython(refuse_rows_out_of_order, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="admission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("full_member_on__isnull", True),
                    ("full_member_on__gte", models.F("admitted_on")),
                    _connector="OR",
                ),
                name="admission_full_after_admitted",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("union_left_on__isnull", True),
                    ("union_joined_on__isnull", True),
                    ("union_left_on__gte", models.F("union_joined_on")),
                    _connector="OR",
                ),
                name="person_left_after_joined",
            ),
        ),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="program_ends_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingclass",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True), ("ends_on__gte", models.F("starts_on")), _connector="OR"
                ),
                name="class_ends_after_start",
            ),
        ),
    ]
