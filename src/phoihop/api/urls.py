from django.urls import re_path

from .errors import json_method_errors, unmatched
from .main import api

app_name = "api"
urlpatterns = list(api.urls[0])
for pattern in urlpatterns:
    pattern.callback = json_method_errors(pattern.callback)
# Last: whatever no route matched (a code with a line break, a mistyped path) is a JSON 404 too.
urlpatterns.append(re_path(r"^[\s\S]*$", unmatched))
