using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace VeloConnect.Data.Notifications;

public sealed record Notification(long Id, Guid WorkspaceId, Guid UserId, DateTimeOffset At, string Kind, string Title, string Message, string? Link, DateTimeOffset? ReadAt);

/// <summary>
/// What a NOTIFY on <see cref="NotificationStore.Channel"/> carries: which notification, for whom. Never its text, so no
/// title, message or file name can make it exceed what PostgreSQL accepts (8000 bytes); streams read the rows themselves.
/// </summary>
public sealed record NotificationPointer(long Id, Guid WorkspaceId, Guid UserId)
{
    public string ToPayload() => JsonSerializer.Serialize(this);

    public static NotificationPointer? FromPayload(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<NotificationPointer>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// In-app notifications. Adding one also raises a PostgreSQL NOTIFY on <see cref="Channel"/> (payload: a
/// <see cref="NotificationPointer"/>), so whichever process serves a user's live stream hears it, wherever the
/// notification was written, and wakes that user's streams, which read the table after the last id they sent.
/// A user's notifications commit in the order of their ids (see <see cref="AddAsync(NpgsqlConnection, NpgsqlTransaction, Guid, Guid, string, string, string, string?, CancellationToken)"/>),
/// so "everything after id N" (<see cref="ListAfterAsync"/>) is exact: what a stream resumes from.
/// </summary>
public sealed class NotificationStore(NpgsqlDataSource dataSource)
{
    public const string Channel = "velo_notifications";

    /// <summary>The first key of the per-user advisory lock that orders notification writes (the second is the user's hash).</summary>
    private const int UserOrderLockClass = 0x76656c6f;

    public async Task<Notification> AddAsync(Guid workspaceId, Guid userId, string kind, string title, string message, string? link, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var notification = await AddAsync(connection, transaction, workspaceId, userId, kind, title, message, link, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return notification;
    }

    /// <summary>Adds a notification within a caller's transaction: it exists (and reaches the user's streams) only if that commits.</summary>
    public static async Task<Notification> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, Guid userId, string kind,
        string title, string message, string? link, CancellationToken cancellationToken = default)
    {
        // One writer at a time per user until commit: a later id never becomes visible before an earlier one, so a
        // stream that has read up to id N can never miss one below N that commits later.
        await using (var order = new NpgsqlCommand("select pg_advisory_xact_lock(@lock_class, hashtext(@user::text))", connection, transaction))
        {
            order.Parameters.AddWithValue("lock_class", UserOrderLockClass);
            order.Parameters.AddWithValue("user", userId);
            await order.ExecuteNonQueryAsync(cancellationToken);
        }

        Notification notification;
        await using (var insert = new NpgsqlCommand("""
            insert into notifications (workspace_id, user_id, kind, title, message, link) values (@ws, @user, @kind, @title, @message, @link)
            returning id, at
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("ws", workspaceId);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("kind", kind);
            insert.Parameters.AddWithValue("title", title);
            insert.Parameters.AddWithValue("message", message);
            insert.Parameters.Add(new NpgsqlParameter("link", NpgsqlDbType.Text) { Value = (object?)link ?? DBNull.Value });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            notification = new Notification(reader.GetInt64(0), workspaceId, userId, reader.GetFieldValue<DateTimeOffset>(1), kind, title, message, link, null);
        }

        await using (var notify = new NpgsqlCommand("select pg_notify(@channel, @payload)", connection, transaction))
        {
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", new NotificationPointer(notification.Id, workspaceId, userId).ToPayload());
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        return notification;
    }

    /// <summary>
    /// Adds a job's closing notification within the transaction that ends the job, under a savepoint: if the database
    /// refuses it (anything but a lost connection or a conflict, which fail the whole transaction and so are retried), only
    /// the notification is rolled back, and the job still ends, once. Returns null then.
    /// </summary>
    public static async Task<Notification?> TryAddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, Guid userId, string kind,
        string title, string message, string? link, CancellationToken cancellationToken = default)
    {
        const string savepoint = "notification";
        await transaction.SaveAsync(savepoint, cancellationToken);
        try
        {
            var notification = await AddAsync(connection, transaction, workspaceId, userId, kind, title, message, link, cancellationToken);
            await transaction.ReleaseAsync(savepoint, cancellationToken);
            return notification;
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            await transaction.RollbackAsync(savepoint, cancellationToken);
            return null;
        }
    }

    /// <summary>One notification by id (a listener reading what a NOTIFY pointed at); null once it is gone.</summary>
    public async Task<Notification?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from notifications where id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<Notification>> ListAsync(Guid workspaceId, Guid userId, bool unreadOnly, long? before, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from notifications
            where workspace_id = @ws and user_id = @user {(unreadOnly ? "and read_at is null" : "")} {(before is null ? "" : "and id < @before")}
            order by id desc limit @limit
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("limit", limit);
        if (before is { } id)
        {
            command.Parameters.AddWithValue("before", id);
        }

        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>The user's notifications with an id above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Notification>> ListAfterAsync(Guid workspaceId, Guid userId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from notifications
            where workspace_id = @ws and user_id = @user and id > @after
            order by id limit @limit
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>The id of the user's newest notification (0 when they have none): where a new stream starts.</summary>
    public async Task<long> LatestIdAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select coalesce(max(id), 0) from notifications where workspace_id = @ws and user_id = @user");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private const string Columns = "id, workspace_id, user_id, at, kind, title, message, link, read_at";

    private static async Task<IReadOnlyList<Notification>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<Notification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    /// <summary>Marks the given notifications (or, with null, all of them) read; returns how many changed.</summary>
    public async Task<int> MarkReadAsync(Guid workspaceId, Guid userId, IReadOnlyList<long>? ids, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            update notifications set read_at = now()
            where workspace_id = @ws and user_id = @user and read_at is null {(ids is null ? "" : "and id = any(@ids)")}
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        if (ids is not null)
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Notification Read(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}

/// <summary>The notification a job's end sends its user (what it says is the workflow's to decide).</summary>
public sealed record NotificationText(string Kind, string Title, string Message, string Link);

/// <summary>
/// What a job's end leaves behind, written in the transaction that ends it: an audit row (its action, and details to
/// which the store adds whether the notification was written) and a notification to its user. The workflow words it;
/// the store writes it.
/// </summary>
public sealed record Announcement(string AuditAction, IReadOnlyDictionary<string, object?> AuditDetails, NotificationText Notification);
