"""Codes keep one alphabet (core.codes): letters, digits, - _ . — no spaces, `/` or control characters.
Codes that break it made the unit tree, the records lists and the report download answer 500. This
migration changes nothing; it stops an upgrade over a database that holds such codes, listing them, so
they are corrected (in the workbook or the admin) before the new version runs."""

from django.db import migrations

from phoihop.core.codes import bad_codes

MODELS = [
    ("orgs", "Unit"),
    ("orgs", "Enterprise"),
    ("records", "Person"),
    ("records", "TrainingClass"),
    ("records", "Work"),
    ("records", "Initiative"),
    ("records", "ContestEntry"),
    ("records", "Award"),
    ("records", "WelfareContribution"),
    ("records", "Program"),
]
SHOWN = 20  # codes listed per kind of record


class BadCodes(RuntimeError):
    pass


def find_bad_codes(apps) -> dict[str, list[str]]:
    found = {}
    for app, name in MODELS:
        model = apps.get_model(app, name)
        bad = bad_codes(model._base_manager.values_list("code", flat=True).iterator(chunk_size=5000))
        if bad:
            found[f"{app}.{name}"] = bad
    return found


def check(apps, schema_editor):
    found = find_bad_codes(apps)
    if not found:
        return
    lines = [
        "Có mã không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (không dấu cách, không '/',",
        "không ký tự điều khiển). Hãy sửa các mã sau rồi chạy lại (Codes that break the alphabet; correct them",
        "and migrate again):",
    ]
    for label, codes in found.items():
        more = f" … (+{len(codes) - SHOWN})" if len(codes) > SHOWN else ""
        lines.append(f"  {label}: " + ", ".join(repr(c) for c in codes[:SHOWN]) + more)
    raise BadCodes("\n".join(lines))


class Migration(migrations.Migration):
    dependencies = [
        ("workbook", "0001_initial"),
        ("orgs", "0001_initial"),
        ("records", "0001_initial"),
    ]

    operations = [migrations.RunPython(check, migrations.RunPython.noop, elidable=True)]
