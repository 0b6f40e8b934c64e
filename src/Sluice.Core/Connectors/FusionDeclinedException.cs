namespace Sluice.Connectors;

/// <summary>A fused read found something only the staged path reports well; the executor runs both tasks staged.</summary>
public sealed class FusionDeclinedException(string reason) : SluiceException(reason);
