using Sluice.Connectors;
using Sluice.Model;
using Sluice.Yaml;

namespace Sluice.Validation;

/// <summary>Loads a pipeline file and validates it, reporting structural and semantic problems together.</summary>
public static class PipelineLoader
{
    public static PipelineDefinition LoadValid(string path, ConnectorCatalog catalog)
    {
        PipelineDefinition pipeline;
        try
        {
            pipeline = PipelineYamlLoader.LoadFile(path);
        }
        catch (PipelineValidationException e) when (e.Partial is not null)
        {
            var more = PipelineValidator.Validate(e.Partial, catalog).Where(m => !e.Errors.Contains(m));
            throw new PipelineValidationException(e.Errors.Concat(more).OrderBy(m => m.Location.Line).ThenBy(m => m.Location.Column).ToList());
        }

        PipelineValidator.EnsureValid(pipeline, catalog);
        return pipeline;
    }
}
