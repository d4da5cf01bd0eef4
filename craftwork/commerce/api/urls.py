from django.urls import path

from . import views

app_name = "commerce-api"

urlpatterns = [
    path("cart/", views.CartApi.as_view(), name="cart"),
    path("cart/lines/", views.CartLinesApi.as_view(), name="cart-lines"),
    path("cart/lines/<uuid:pk>/", views.CartLineApi.as_view(), name="cart-line"),
    path(
        "cart/lines/<uuid:pk>/save-for-later/",
        views.CartLineSaveApi.as_view(),
        name="cart-line-save",
    ),
    path("wishlist/", views.WishlistApi.as_view(), name="wishlist"),
    path("wishlist/<uuid:pk>/", views.WishlistItemApi.as_view(), name="wishlist-item"),
    path("wishlist/<uuid:pk>/move-to-cart/", views.WishlistMoveApi.as_view(), name="wishlist-move"),
    path("checkouts/", views.CheckoutListApi.as_view(), name="checkouts"),
    path("checkouts/review/", views.CheckoutReviewApi.as_view(), name="checkout-review"),
    path("checkouts/<uuid:pk>/", views.CheckoutDetailApi.as_view(), name="checkout"),
    path("checkouts/<uuid:pk>/cancel/", views.CheckoutCancelApi.as_view(), name="checkout-cancel"),
    path("orders/", views.OrderListApi.as_view(), name="orders"),
    path("sales/", views.SalesListApi.as_view(), name="sales"),
    path("staff/checkouts/", views.StaffCheckoutListApi.as_view(), name="staff-checkouts"),
]
