"""The offline sandbox provider: a Stripe-test-mode look-alike running inside the platform."""
