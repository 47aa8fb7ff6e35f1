from django.urls import path

from ..views import plans, results

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    # the partnership's results for a round (?round=1 or 2), with round 1 to round 2 progress
    path(f"{P}results/", results.cascade_results, name="cascade_results"),
    path(f"{P}results/export.csv", results.cascade_results_csv, name="cascade_results_csv"),
    path(f"{P}results/export.xlsx", results.cascade_results_xlsx, name="cascade_results_xlsx"),
    path(f"{P}results/benchmarks/", results.cascade_benchmarks, name="cascade_benchmarks"),
    # one cohort's results, table by table (?round=1 or 2)
    path(f"{P}cohorts/<int:pk>/results/", results.cascade_cohort_results, name="cascade_cohort_results"),
    # one domain: the next level's guidance and the actions planned against it
    path(f"{P}domains/<slug:code>/", results.cascade_domain, name="cascade_domain"),
    # plan an action at a workshop (?domain=<code> preselects the domain)
    path(f"{P}workshops/<int:pk>/actions/new/", plans.cascade_plan_action, name="cascade_plan_action"),
    # the printable workshop pack: results, every table's notes, the actions agreed
    path(f"{P}workshops/<int:pk>/pack.pdf", results.cascade_workshop_pack, name="cascade_workshop_pack"),
]
