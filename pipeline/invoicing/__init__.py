"""Invoicing: the invoice document model, the ledger (numbering), the e-invoice."""
