using System.CommandLine;

namespace Sluice.Cli.Commands;

internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output") { Description = "Write to this file instead of standard output." };
        var command = new Command("schema", "Print the JSON Schema of pipeline YAML files, for editor completion and checks.") { output };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var json = PipelineJsonSchema.Generate(SluiceHost.Catalog());
            if (parse.GetValue(output) is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, json, cancellationToken);
                Console.WriteLine($"wrote the JSON Schema of pipeline files to {Path.GetFullPath(path)}.");
            }
            else
            {
                Console.Write(json);
            }

            return 0;
        }));
        return command;
    }
}
