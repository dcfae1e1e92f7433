"""Plots drawn before the Content-Security-Policy kept matplotlib's style attributes, which the policy ignores within
a page (the plots lost their colours); the same drawings with presentation attributes instead."""

from django.db import migrations

from analysis.plots import without_inline_styles


def forwards(apps, schema_editor):
    Plot = apps.get_model("analysis", "Plot")
    for plot in Plot.objects.only("svg").iterator():
        svg = without_inline_styles(plot.svg)
        if svg != plot.svg:
            Plot.objects.filter(pk=plot.pk).update(svg=svg)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0002_plots")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
