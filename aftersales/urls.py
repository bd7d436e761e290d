from django.urls import path

from . import views_complaints as c
from . import views_requests as r

app_name = "aftersales"

urlpatterns = [
    path("", r.request_list, name="list"),
    path("new/", r.request_new, name="new"),
    path("<int:pk>/", r.request_detail, name="detail"),
    path("<int:pk>/confirm/", r.request_confirm, name="confirm"),
    path("<int:pk>/file/", r.request_file, name="file"),
    path("<int:pk>/take/", r.request_take, name="take"),
    path("<int:pk>/contact/", r.request_contact, name="contact"),
    path("<int:pk>/result/", r.request_result, name="result"),
    path("<int:pk>/close/", r.request_close, name="close"),
    path("<int:pk>/escalate/", r.request_escalate, name="escalate"),
    path("<int:pk>/instruct/", r.request_instruct, name="instruct"),
    path("<int:pk>/rate/", r.request_rate, name="rate"),
    path("<int:pk>/photos/", r.request_photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", r.photo, name="photo"),
    path("times/", r.times, name="times"),
    path("complaints/", c.complaint_list, name="complaints"),
    path("complaints/new/", c.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", c.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/assign/", c.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/reply/", c.complaint_reply, name="complaint_reply"),
    path("ratings/", c.ratings, name="ratings"),
]
