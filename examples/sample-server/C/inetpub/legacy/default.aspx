<%@ Page Language="C#" %>
<html><body>Legacy</body></html>
