"""The answer cells of 03 and 04 as honest students write them, for ``benchmark_similarity``:
each «a¦b» (nested too) is a choice of each student's own."""

# ruff: noqa: E501

TEMPLATES = {
    "03-trainer": [
        """class LinearRegressor(nn.Module):
    def __init__(self, input_size, output_size):
        «super().__init__()¦super(LinearRegressor, self).__init__()»
        «self.linear = nn.Linear(input_size, output_size)¦self.layer = nn.Linear(in_features=input_size, out_features=output_size)¦self.fc = nn.Linear(input_size, output_size, bias=True)»

    def forward(self, x):
        «return self.linear(x)¦out = self.layer(x)
        return out¦y = self.fc(x)
        return y»


def count_parameters(model):
    «return sum(p.numel() for p in model.parameters())¦total = 0
    for p in model.parameters():
        total += p.numel()
    return total¦return int(sum([param.numel() for param in model.parameters() if param is not None]))¦n = 0
    for name, param in model.named_parameters():
        n = n + param.nelement()
    return int(n)»


lin_model = LinearRegressor(3, 1)«¦.to(device)»
n_params_linear = count_parameters(lin_model)
""",
        """def trainer(model, criterion, optimizer, dataloader, epochs):
    «device = next(model.parameters()).device¦dev = list(model.parameters())[0].device¦device = model.parameters().__next__().device»
    «epoch_losses = []¦history = list()¦losses = []»
    for epoch in range(epochs):
        «total = 0.0¦batch_losses = []¦running, count = 0.0, 0»
        «model.train()
        ¦»for «X, y¦xb, yb¦batch» in dataloader:
            «X, y = X.to(device), y.to(device)¦X = X.to(device)
            y = y.to(device)¦xb, yb = batch[0].to(device), batch[1].to(device)»
            «optimizer.zero_grad()¦model.zero_grad()»
            «y_hat = model(X).flatten()¦pred = model(X).squeeze(-1)¦out = model(X).view(-1)¦y_hat = model(X).reshape(y.shape)»
            «loss = criterion(y_hat, y)¦l = criterion(pred, y)¦loss = criterion(out, y.float())»
            «loss.backward()
            optimizer.step()¦l.backward()
            optimizer.step()»
            «total += loss.item()¦batch_losses.append(loss.item())¦running += loss.item(); count += 1¦total = total + float(loss)»
        «epoch_losses.append(total / len(dataloader))¦history.append(sum(batch_losses) / len(batch_losses))¦losses.append(running / count)¦epoch_losses.append(np.mean(batch_losses))»
    «return epoch_losses¦return history¦return losses»
""",
        """«reg_loader = DataLoader(TensorDataset(X_reg, y_reg), batch_size=50, shuffle=True)¦reg_ds = TensorDataset(X_reg, y_reg)
reg_loader = DataLoader(reg_ds, batch_size=«32¦50¦64», shuffle=True)»
reg_model = LinearRegressor(3, 1).to(device)
«reg_optimizer = torch.optim.SGD(reg_model.parameters(), lr=«0.05¦0.01¦0.1»)¦reg_optimizer = torch.optim.Adam(reg_model.parameters(), lr=«0.1¦0.05»)»
«reg_losses = trainer(reg_model, nn.MSELoss(), reg_optimizer, reg_loader, «50¦100¦60»)¦loss_fn = nn.MSELoss()
reg_losses = trainer(reg_model, loss_fn, reg_optimizer, reg_loader, epochs=«50¦80»)»
«sk_model = LinearRegression().fit(X_np, y_np)
w_sklearn, b_sklearn = sk_model.coef_, float(sk_model.intercept_)¦lr_sk = LinearRegression()
lr_sk.fit(X_np, y_np)
w_sklearn = lr_sk.coef_
b_sklearn = lr_sk.intercept_»
«w_torch = reg_model.linear.weight.detach().cpu().numpy().flatten()¦w_torch = reg_model.linear.weight.data.cpu().numpy().ravel()¦w_torch = reg_model.state_dict()["linear.weight"].cpu().numpy()[0]»
«b_torch = reg_model.linear.bias.item()¦b_torch = float(reg_model.linear.bias.detach().cpu())¦b_torch = reg_model.state_dict()["linear.bias"].item()»
""",
        """class NonlinearRegressor(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        «self.main = nn.Sequential(
            nn.Linear(input_size, hidden_size),
            nn.Sigmoid(),
            nn.Linear(hidden_size, output_size),
        )¦self.hidden = nn.Linear(input_size, hidden_size)
        self.act = nn.Sigmoid()
        self.out = nn.Linear(hidden_size, output_size)¦self.l1 = nn.Linear(input_size, hidden_size)
        self.l2 = nn.Linear(hidden_size, output_size)»

    def forward(self, x):
        «return self.main(x)¦h = self.act(self.hidden(x))
        return self.out(h)¦return self.l2(torch.sigmoid(self.l1(x)))¦x = self.l1(x)
        x = torch.sigmoid(x)
        x = self.l2(x)
        return x»


nl_model = NonlinearRegressor(1, «20¦32¦16¦64», 1).to(device)
n_params_nl = count_parameters(nl_model)
""",
        """nl_loader = DataLoader(TensorDataset(X_nl, y_nl), batch_size=«50¦32¦30», shuffle=True)
«nl_optimizer = torch.optim.Adam(nl_model.parameters(), lr=«0.05¦0.01¦0.02»)¦nl_optimizer = torch.optim.SGD(nl_model.parameters(), lr=«0.1¦0.5», momentum=0.9)»
nl_losses = trainer(nl_model, nn.MSELoss(), nl_optimizer, nl_loader, «80¦100¦200¦150»)
""",
        """def evaluate(model, criterion, dataloader):
    «device = next(model.parameters()).device¦dev = list(model.parameters())[0].device»
    «was_training = model.training
    ¦»model.eval()
    «total = 0.0¦losses = []¦total, n = 0.0, 0»
    with torch.«no_grad¦inference_mode»():
        for X, y in dataloader:
            «X, y = X.to(device), y.to(device)¦X = X.to(device); y = y.to(device)»
            «total += criterion(model(X).flatten(), y).item()¦out = model(X).squeeze(1)
            losses.append(criterion(out, y).item())¦pred = model(X).view(-1)
            total += float(criterion(pred, y)); n += 1»
    «model.train(was_training)
    ¦model.train()
    ¦»«return total / len(dataloader)¦return sum(losses) / len(losses)¦return total / n»


def train_and_validate(model, criterion, optimizer, train_loader, valid_loader, epochs):
    «train_losses, valid_losses = [], []¦history = {"train": [], "valid": []}»
    for «epoch¦_¦e» in range(epochs):
        «model.train()
        ¦»«train_losses += trainer(model, criterion, optimizer, train_loader, 1)
        valid_losses.append(evaluate(model, criterion, valid_loader))¦history["train"].append(trainer(model, criterion, optimizer, train_loader, 1)[0])
        history["valid"].append(evaluate(model, criterion, valid_loader))¦tl = trainer(model, criterion, optimizer, train_loader, epochs=1)
        vl = evaluate(model, criterion, valid_loader)
        train_losses.append(tl[-1])
        valid_losses.append(vl)»
    «return train_losses, valid_losses¦return history["train"], history["valid"]»
""",
        """«criterion = nn.MSELoss()¦loss_fn = nn.MSELoss()»
model_plain = LinearRegressor(n_features, 1).to(device)
opt_plain = torch.optim.SGD(model_plain.parameters(), lr=«0.1¦0.05»)
tr, va = train_and_validate(model_plain, «criterion¦nn.MSELoss()», opt_plain, train_loader, valid_loader, «150¦200¦100»)
hist_plain = «{"train": tr, "valid": va}¦dict(train=tr, valid=va)»
model_wd = LinearRegressor(n_features, 1).to(device)
opt_wd = torch.optim.SGD(model_wd.parameters(), lr=«0.1¦0.05», weight_decay=«0.2¦0.1¦0.3¦0.5»)
tr, va = train_and_validate(model_wd, «criterion¦nn.MSELoss()», opt_wd, train_loader, valid_loader, «150¦200¦100»)
hist_wd = «{"train": tr, "valid": va}¦dict(train=tr, valid=va)»
""",
    ],
    "04-bce-classifier": [
        """def to_tensors(X, y):
    «X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
    return X, y¦X_t = torch.from_numpy(X).float()
    y_t = torch.from_numpy(y).float().unsqueeze(1)
    return X_t, y_t¦return torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32).view(-1, 1)¦Xt = torch.tensor(X).float()
    yt = torch.tensor(y).float()
    yt = yt[:, None]
    return Xt, yt»


X_blobs, y_blobs = to_tensors(X_blobs_np, y_blobs_np)
X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)
""",
        """def bce_with_logits(logits, y):
    «return (torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs())) - y * logits).mean()¦loss = logits.clamp(min=0) - logits * y + torch.log(1 + torch.exp(-torch.abs(logits)))
    return loss.mean()¦pos = torch.relu(logits)
    soft = torch.log1p(torch.exp(-torch.abs(logits)))
    per_item = pos - logits * y + soft
    return torch.mean(per_item)¦m = torch.maximum(logits, torch.zeros_like(logits))
    return torch.mean(m - logits * y + torch.log(torch.exp(-m) + torch.exp(logits - m)) - 0 * m)»


y_one = torch.tensor([[0.0]])
«z = torch.tensor([[40.0]], requires_grad=True)
loss = nn.BCELoss()(nn.Sigmoid()(z), y_one)
loss.backward()
naive_loss, naive_grad = loss.item(), z.grad.item()
z = torch.tensor([[40.0]], requires_grad=True)
loss = nn.BCEWithLogitsLoss()(z, y_one)
loss.backward()
fused_loss, fused_grad = loss.item(), z.grad.item()¦z1 = torch.tensor([[40.0]], requires_grad=True)
l1 = nn.BCELoss()(torch.sigmoid(z1), y_one)
l1.backward()
naive_loss = l1.item()
naive_grad = z1.grad.item()
z2 = torch.tensor([[40.0]], requires_grad=True)
l2 = nn.BCEWithLogitsLoss()(z2, y_one)
l2.backward()
fused_loss = l2.item()
fused_grad = z2.grad.item()¦def grad_of(loss_fn, use_sigmoid):
    z = torch.tensor([[40.0]], requires_grad=True)
    out = torch.sigmoid(z) if use_sigmoid else z
    loss = loss_fn(out, y_one)
    loss.backward()
    return loss.item(), z.grad.item()


naive_loss, naive_grad = grad_of(nn.BCELoss(), True)
fused_loss, fused_grad = grad_of(nn.BCEWithLogitsLoss(), False)»
""",
        """def predict_proba(model, X):
    «with torch.no_grad():
        return torch.sigmoid(model(X))¦with torch.no_grad():
        logits = model(X)
    return torch.sigmoid(logits)¦model.eval()
    with torch.no_grad():
        probs = 1 / (1 + torch.exp(-model(X)))
    return probs»


def predict(model, X):
    «return (predict_proba(model, X) > 0.5).float()¦p = predict_proba(model, X)
    return (p >= 0.5).to(torch.float32)¦return torch.where(predict_proba(model, X) > 0.5, 1.0, 0.0)»


def accuracy(y_hat, y):
    «return (y_hat.flatten() == y.flatten()).float().mean().item()¦correct = (y_hat.view(-1) == y.view(-1)).sum().item()
    return correct / y.numel()¦return float((y_hat.reshape(-1) == y.reshape(-1)).float().mean())¦matches = 0
    for a, b in zip(y_hat.flatten().tolist(), y.flatten().tolist()):
        if a == b:
            matches += 1
    return matches / len(y)»
""",
        """def train_classifier(model, X, y, lr, num_epochs):
    «criterion = nn.BCEWithLogitsLoss()¦loss_fn = nn.BCEWithLogitsLoss()»
    «optimizer = torch.optim.Adam(model.parameters(), lr=lr)¦opt = optim.Adam(model.parameters(), lr)»
    «losses = []¦history = []»
    for «_¦epoch¦i» in range(num_epochs):
        «optimizer.zero_grad()¦opt.zero_grad()»
        «loss = criterion(model(X), y)¦logits = model(X)
        loss = loss_fn(logits, y)¦out = model(X)
        loss = criterion(out, y)»
        loss.backward()
        «optimizer.step()¦opt.step()»
        «losses.append(loss.item())¦history.append(float(loss))¦history += [loss.item()]»
    «return losses¦return history»
""",
        """blob_model = nn.Linear(2, 1)
blob_losses = train_classifier(blob_model, X_blobs, y_blobs, lr=«0.1¦0.05¦0.01», num_epochs=«100¦200¦300»)
«blob_acc = accuracy(predict(blob_model, X_blobs), y_blobs)¦preds = predict(blob_model, X_blobs)
blob_acc = accuracy(preds, y_blobs)»
""",
        """circle_linear = nn.Linear(2, 1)
«train_classifier(circle_linear, X_circles, y_circles, lr=0.1, num_epochs=100)¦_ = train_classifier(circle_linear, X_circles, y_circles, «0.1¦0.05», «100¦200»)»
circle_linear_acc = accuracy(predict(circle_linear, X_circles), y_circles)
""",
        """def make_circle_model():
    «return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))¦model = nn.Sequential(
        nn.Linear(2, 16),
        nn.ReLU(),
        nn.Linear(16, 1),
    )
    return model¦layers = [nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1)]
    return nn.Sequential(*layers)»


circle_model = make_circle_model()
circle_losses = train_classifier(circle_model, X_circles, y_circles, lr=«0.05¦0.01¦0.02», num_epochs=«300¦500¦1000»)
circle_acc = accuracy(predict(circle_model, X_circles), y_circles)
""",
    ],
}
