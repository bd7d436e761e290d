from rest_framework.routers import SimpleRouter

from .views import EnquiryQuestionViewSet, EnquiryViewSet, QuoteViewSet

router = SimpleRouter()
router.register("quotes", QuoteViewSet, basename="quote")
router.register("enquiries", EnquiryViewSet, basename="enquiry")
router.register("enquiry-questions", EnquiryQuestionViewSet, basename="enquiry-question")

urlpatterns = router.urls
