namespace Sluice.Events;

/// <summary>
/// Told of each event once it is in the log, in this process: metrics and other live views follow runs
/// this way instead of polling the log. Called on the writer's thread, so it must be quick and must not throw.
/// </summary>
public interface IRunEventListener
{
    void OnEvent(RunEvent runEvent);
}
