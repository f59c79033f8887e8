using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Components.Imports;
using Xunit;

namespace VeloConnect.Web.Tests.Imports;

/// <summary>The bulk-edit dialog alone: the edit it hands out for each kind, with the column and the filter chosen.</summary>
public sealed class BulkEditDialogTests : BunitContext
{
    private static readonly string[] Headers = ["Name", "Mobile", "Email"];
    private readonly List<EditImportRequest> _applied = [];
    private int _cancels;

    public BulkEditDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }

    private IRenderedComponent<BulkEditDialog> Open(int column = 0, EditFilter? filter = null) =>
        Render<BulkEditDialog>(p => p.Add(x => x.Open, true).Add(x => x.Headers, Headers).Add(x => x.Column, column).Add(x => x.Filter, filter)
            .Add(x => x.OnApply, r => _applied.Add(r)).Add(x => x.OnCancel, () => _cancels++));

    [Fact]
    public void Prefix_sends_its_kind_column_prefix_and_the_filter()
    {
        var dialog = Open(column: 1, filter: new EditFilter { Outcome = "invalid" });

        dialog.Find("#bulk-kind").Change("prefix");
        dialog.Find("#bulk-prefix").Input("+34");
        dialog.Find("#bulk-reason").Input("country code");
        dialog.Find("#bulk-apply").Click();

        var edit = Assert.Single(_applied);
        Assert.Equal(("prefix", 1, "+34"), (edit.Kind, edit.Column, edit.Prefix));
        Assert.Null(edit.Find);
        Assert.Null(edit.Value);
        Assert.Equal(("invalid", "country code", null), (edit.Rows?.Outcome, edit.Rows?.Reason, edit.Rows?.Q));
    }

    [Fact]
    public void Find_and_replace_on_every_row_sends_no_filter_and_waits_for_the_text_to_find()
    {
        var dialog = Open();
        Assert.Equal("replace", dialog.Find("#bulk-kind").GetAttribute("value"));
        Assert.True(dialog.Find("#bulk-apply").HasAttribute("disabled"));

        dialog.Find("#bulk-column").Change("2");
        dialog.Find("#bulk-find").Input("@exmaple.");
        dialog.Find("#bulk-replace").Input("@example.");
        dialog.Find("#bulk-apply").Click();

        var edit = Assert.Single(_applied);
        Assert.Equal(("replace", 2, "@exmaple.", "@example."), (edit.Kind, edit.Column, edit.Find, edit.Replace));
        Assert.Null(edit.Prefix);
        Assert.Null(edit.Rows);
    }

    [Fact]
    public void Set_sends_the_value_for_the_rows_with_a_cell_text()
    {
        var dialog = Open(column: 0);

        dialog.Find("#bulk-kind").Change("set");
        dialog.Find("#bulk-value").Input("Unknown");
        dialog.Find("#bulk-q").Input("n/a");
        dialog.Find("#bulk-apply").Click();

        var edit = Assert.Single(_applied);
        Assert.Equal(("set", 0, "Unknown"), (edit.Kind, edit.Column, edit.Value));
        Assert.Equal((null, null, "n/a"), (edit.Rows?.Outcome, edit.Rows?.Reason, edit.Rows?.Q));
    }

    [Fact]
    public void Trim_needs_nothing_more_and_cancel_or_escape_sends_nothing()
    {
        var dialog = Open(column: 1);

        dialog.Find("#bulk-kind").Change("trim");
        Assert.False(dialog.Find("#bulk-apply").HasAttribute("disabled"));
        dialog.Find("#bulk-cancel").Click();
        dialog.Find(".bulk-edit").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        Assert.Empty(_applied);
        Assert.Equal(2, _cancels);
    }
}
