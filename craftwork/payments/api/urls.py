from django.urls import path

from . import views

app_name = "payments-api"

urlpatterns = [
    path("webhooks/<str:provider>/", views.WebhookView.as_view(), name="webhook"),
    path("fees/breakdown/", views.FeeBreakdownView.as_view(), name="fee-breakdown"),
    path("payments/", views.PaymentListView.as_view(), name="payment-list"),
    path("payments/<uuid:pk>/", views.PaymentDetailView.as_view(), name="payment-detail"),
    path("payments/<uuid:pk>/cancel/", views.PaymentCancelView.as_view(), name="payment-cancel"),
    path("refunds/", views.RefundListView.as_view(), name="refund-list"),
    path("wallet/", views.WalletView.as_view(), name="wallet"),
    path("wallet/entries/", views.WalletEntriesView.as_view(), name="wallet-entries"),
    path("payout-methods/", views.PayoutMethodListView.as_view(), name="payout-method-list"),
    path(
        "payout-methods/<uuid:pk>/",
        views.PayoutMethodDetailView.as_view(),
        name="payout-method-detail",
    ),
    path("payouts/", views.PayoutListView.as_view(), name="payout-list"),
    path("payouts/<uuid:pk>/", views.PayoutDetailView.as_view(), name="payout-detail"),
    path("receipts/", views.ReceiptListView.as_view(), name="receipt-list"),
    path("receipts/<uuid:pk>/pdf/", views.ReceiptPdfView.as_view(), name="receipt-pdf"),
    path("disputes/", views.DisputeListView.as_view(), name="dispute-list"),
    path("disputes/<uuid:pk>/", views.DisputeDetailView.as_view(), name="dispute-detail"),
    path("disputes/<uuid:pk>/respond/", views.DisputeRespondView.as_view(), name="dispute-respond"),
    path("disputes/<uuid:pk>/resolve/", views.DisputeResolveView.as_view(), name="dispute-resolve"),
    path(
        "disputes/<uuid:pk>/files/<uuid:file_pk>/",
        views.DisputeFileView.as_view(),
        name="dispute-file",
    ),
    path("staff/payments/", views.StaffPaymentListView.as_view(), name="staff-payment-list"),
    path("staff/payments/<uuid:pk>/refunds/", views.StaffRefundView.as_view(), name="staff-refund"),
    path("staff/accounts/", views.StaffAccountListView.as_view(), name="staff-account-list"),
    path(
        "staff/stuck-balances/",
        views.StaffStuckBalanceListView.as_view(),
        name="staff-stuck-balances",
    ),
    path(
        "staff/stuck-balances/resolve/",
        views.StaffStuckBalanceResolveView.as_view(),
        name="staff-stuck-balance-resolve",
    ),
    path(
        "staff/accounts/<uuid:pk>/entries/",
        views.StaffAccountEntriesView.as_view(),
        name="staff-account-entries",
    ),
]
