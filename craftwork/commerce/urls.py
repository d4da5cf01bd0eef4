from django.urls import path

from . import views

app_name = "commerce"

urlpatterns = [
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add_view, name="cart-add"),
    path("cart/lines/<uuid:pk>/", views.cart_line_update_view, name="cart-line-update"),
    path("cart/lines/<uuid:pk>/remove/", views.cart_line_remove_view, name="cart-line-remove"),
    path("cart/lines/<uuid:pk>/save/", views.cart_line_save_view, name="cart-line-save"),
    path("saved/", views.wishlist_view, name="wishlist"),
    path("saved/add/", views.wishlist_add_view, name="wishlist-add"),
    path("saved/<uuid:pk>/remove/", views.wishlist_remove_view, name="wishlist-remove"),
    path("saved/<uuid:pk>/move/", views.wishlist_move_view, name="wishlist-move"),
    path("checkout/", views.checkout_view, name="checkout"),
    path("checkouts/", views.checkout_list_view, name="checkout-list"),
    path("checkout/<uuid:pk>/", views.checkout_detail_view, name="checkout-detail"),
    path("checkout/<uuid:pk>/done/", views.checkout_done_view, name="checkout-done"),
    path("checkout/<uuid:pk>/pay/", views.checkout_pay_view, name="checkout-pay"),
    path("checkout/<uuid:pk>/cancel/", views.checkout_cancel_view, name="checkout-cancel"),
    path("orders/", views.orders_view, name="orders"),
    path("sales/", views.sales_view, name="sales"),
    path("staff/orders/", views.staff_orders_view, name="staff-orders"),
    path("staff/orders/<uuid:pk>/", views.staff_checkout_view, name="staff-checkout"),
]
