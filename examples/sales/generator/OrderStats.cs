namespace Sluice.Examples.Sales;

/// <summary>Counts of what was written, so a test can compare the pipeline's cleaning against them.</summary>
internal sealed class OrderStats
{
    public long Rows { get; set; }
    public long Duplicates { get; set; }
    public long MissingAmounts { get; set; }
    public long Outliers { get; set; }
    public long CategoryVariants { get; set; }
    public long MessyEmails { get; set; }

    public override string ToString() =>
        $"rows={Rows} duplicates={Duplicates} missing_amount={MissingAmounts} outliers={Outliers} " +
        $"category_variants={CategoryVariants} messy_emails={MessyEmails}";
}
