using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Grains.Contacts;

internal static class ContactConversions
{
    public static ContactInput ToInput(this ContactWrite write) =>
        new(write.Name, write.PrimaryPhone, write.AdditionalPhones, write.Email, write.Tags, write.Custom, write.AssignedAgentId);

    public static ContactEdit ToEdit(this ContactEditCommand edit) =>
        new(edit.Name, edit.ClearName, edit.Phones, edit.Email, edit.ClearEmail, edit.Tags, edit.Custom, edit.AssignedAgentId, edit.ClearAssignedAgent);
}
