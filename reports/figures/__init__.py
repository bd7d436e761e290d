"""Report figures computed by SQL aggregation (GROUP BY in the database), one module per report."""
