from django.core.management.base import BaseCommand, CommandError

from craftwork.payments.reconciliation import reconcile

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Recompute every ledger account balance from its entries and check the ledger: "
        "cached balances, zero sums per currency and per transaction, no forbidden negatives. "
        "Exits non-zero on any difference."
    )

    def handle(self, *args, **options):
        report = reconcile()
        self.stdout.write(
            f"Checked {report.accounts} accounts, {report.transactions} transactions, "
            f"{report.entries} entries."
        )
        self._stuck(report.stuck)
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Ledger reconciled: no differences."))
            return
        for problem in report.problems[:MAX_LISTED]:
            self.stderr.write(problem)
        if len(report.problems) > MAX_LISTED:
            self.stderr.write(f"... and {len(report.problems) - MAX_LISTED} more.")
        raise CommandError(f"Ledger reconciliation found {len(report.problems)} problem(s).")

    def _stuck(self, stuck) -> None:
        """Money held for settled items: not a ledger fault, a job for staff (the queue at
        /payments/staff/stuck/)."""
        if not stuck:
            return
        self.stdout.write(
            self.style.WARNING(f"{len(stuck)} stuck escrow balance(s) need staff action:")
        )
        for balance in stuck[:MAX_LISTED]:
            self.stdout.write(
                f"  {balance.escrow_ref} {balance.item_ref or '(whole)'}: "
                f"{balance.amount.to_decimal_string()} {balance.amount.currency} "
                f"({balance.view.title}, {balance.view.state})"
            )
