from django.urls import path

from . import views
from .providers.sandbox import views as sandbox_views

app_name = "payments"

urlpatterns = [
    path("payments/", views.payment_list_view, name="list"),
    path("payments/fees/", views.fee_breakdown_view, name="fee-breakdown"),
    path("payments/<uuid:payment_id>/", views.payment_detail_view, name="detail"),
    path("payments/<uuid:payment_id>/pay/", views.payment_pay_view, name="pay"),
    path("payments/<uuid:payment_id>/return/", views.payment_return_view, name="return"),
    path("payments/<uuid:payment_id>/cancel/", views.payment_cancel_view, name="cancel"),
    path("wallet/", views.wallet_view, name="wallet"),
    path("wallet/transactions.csv", views.wallet_csv_view, name="wallet-csv"),
    path("wallet/withdraw/", views.withdraw_view, name="withdraw"),
    path("wallet/payouts/", views.payouts_view, name="payouts"),
    path("wallet/payout-methods/", views.payout_methods_view, name="payout-methods"),
    path(
        "wallet/payout-methods/<uuid:method_id>/onboard/",
        views.payout_method_onboard_view,
        name="payout-method-onboard",
    ),
    path(
        "wallet/payout-methods/<uuid:method_id>/return/",
        views.payout_method_return_view,
        name="payout-method-return",
    ),
    path(
        "wallet/payout-methods/<uuid:method_id>/remove/",
        views.payout_method_remove_view,
        name="payout-method-remove",
    ),
    path("receipts/", views.receipts_view, name="receipts"),
    path("receipts/<uuid:receipt_id>.pdf", views.receipt_pdf_view, name="receipt-pdf"),
    path("disputes/", views.dispute_list_view, name="disputes"),
    path("disputes/open/", views.dispute_open_view, name="dispute-open"),
    path("disputes/<uuid:dispute_id>/", views.dispute_detail_view, name="dispute-detail"),
    path("disputes/<uuid:dispute_id>/respond/", views.dispute_respond_view, name="dispute-respond"),
    path(
        "disputes/<uuid:dispute_id>/files/<uuid:file_id>/",
        views.dispute_file_view,
        name="dispute-file",
    ),
    path("staff/payments/", views.staff_home_view, name="staff-home"),
    path("staff/payments/all/", views.staff_payments_view, name="staff-payments"),
    path("staff/payments/<uuid:payment_id>/", views.staff_payment_view, name="staff-payment"),
    path("staff/disputes/<uuid:dispute_id>/", views.staff_dispute_view, name="staff-dispute"),
    path("staff/ledger/", views.staff_accounts_view, name="staff-accounts"),
    path("staff/stuck/", views.staff_stuck_view, name="staff-stuck"),
    path("staff/ledger/<uuid:account_id>/", views.staff_account_view, name="staff-account"),
    # The sandbox provider's hosted pages (a real provider serves these itself).
    path(
        "payments/sandbox/checkout/<uuid:payment_id>/",
        sandbox_views.checkout_view,
        name="sandbox-checkout",
    ),
    path(
        "payments/sandbox/authenticate/<uuid:payment_id>/",
        sandbox_views.authenticate_view,
        name="sandbox-authenticate",
    ),
    path(
        "payments/sandbox/onboarding/<uuid:method_id>/",
        sandbox_views.onboarding_view,
        name="sandbox-onboarding",
    ),
]
